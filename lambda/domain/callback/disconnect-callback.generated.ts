// Generated from schemas/disconnect.schema.json by tools/bin/generate.ts (npm run generate). Do not edit.
import type { FromSchema } from 'json-schema-to-ts';

const schema = {
  "$schema": "http://json-schema.org/draft-07/schema#",
  "$id": "https://schemas.bandwidth-disconnect-recorder/disconnect.schema.json",
  "title": "DisconnectCallback",
  "description": "A Bandwidth Voice Disconnect callback, as Bandwidth really sends it. Two tiers: the record tier (eventType, callId, the recorder's reserved names) is what a record cannot do without: a callback failing it is refused and quarantined. Every property marked \"specTier\": true is what Bandwidth's spec describes: a callback deviating there is stored verbatim, the deviations named in its specDeviations attribute. Unknown fields are kept: parentCallId among them, which is no field of Bandwidth's disconnect (a transfer leg's link to its call, reported by transferDisconnect), so it is stored as sent whatever its value, never refused nor named as a deviation; when it is a string a DynamoDB key can hold, the recorder's legOf attribute copies it (the byParent index's key).",
  "type": "object",
  "required": [
    "eventType",
    "callId"
  ],
  "properties": {
    "eventType": {
      "description": "Always \"disconnect\" for this callback.",
      "const": "disconnect"
    },
    "callId": {
      "description": "The call's id: the table's partition key. DynamoDB limits a partition key to 2,048 bytes of UTF-8.",
      "type": "string",
      "minLength": 1,
      "maxUtf8Bytes": 2048
    },
    "eventTime": {},
    "accountId": {},
    "applicationId": {},
    "from": {},
    "to": {},
    "direction": {},
    "callUrl": {},
    "enqueuedTime": {},
    "startTime": {},
    "answerTime": {},
    "endTime": {},
    "cause": {},
    "errorMessage": {},
    "errorId": {},
    "tag": {},
    "sipCallId": {},
    "sipResponseCode": {},
    "receivedAt": {
      "$ref": "#/definitions/reserved"
    },
    "answered": {
      "$ref": "#/definitions/reserved"
    },
    "durationSeconds": {
      "$ref": "#/definitions/reserved"
    },
    "ringSeconds": {
      "$ref": "#/definitions/reserved"
    },
    "endedDay": {
      "$ref": "#/definitions/reserved"
    },
    "endedAt": {
      "$ref": "#/definitions/reserved"
    },
    "expiresAt": {
      "$ref": "#/definitions/reserved"
    },
    "recordedFrom": {
      "$ref": "#/definitions/reserved"
    },
    "legOf": {
      "$ref": "#/definitions/reserved"
    },
    "specDeviations": {
      "$ref": "#/definitions/reserved"
    }
  },
  "definitions": {
    "id": {
      "type": "string",
      "maxLength": 256
    },
    "party": {
      "description": "E.164 usually, but also Anonymous, Private, Restricted, Unavailable or a SIP URI.",
      "type": "string",
      "maxLength": 1024
    },
    "optionalTime": {
      "description": "ISO 8601 (RFC 3339: seconds and a time zone) when present; may be absent, null or the empty string.",
      "type": [
        "string",
        "null"
      ],
      "maxLength": 64,
      "anyOf": [
        {
          "format": "date-time"
        },
        {
          "maxLength": 0
        }
      ]
    },
    "reserved": {
      "description": "A name the recorder stores its own attributes under; a callback may not carry it.",
      "not": {}
    }
  }
} as const;

/**
 * A disconnect callback that passed the record tier. The spec tier's fields are `unknown`: a callback
 * that deviates from Bandwidth's spec is stored as sent, so a stored record may hold any JSON value there.
 */
export type DisconnectCallback = FromSchema<typeof schema>;
