// Generated from schemas/transfer-disconnect.schema.json by tools/bin/generate.ts (npm run generate). Do not edit.
import type { FromSchema } from 'json-schema-to-ts';

const schema = {
  "$schema": "http://json-schema.org/draft-07/schema#",
  "$id": "https://schemas.bandwidth-disconnect-recorder/transfer-disconnect.schema.json",
  "title": "TransferDisconnectCallback",
  "description": "A Bandwidth Voice transferDisconnect callback: the end of a transfer leg (the B-leg a <Transfer> created), sent to the transferDisconnectUrl of its <PhoneNumber> or <SipUri>. Derived from transferDisconnectCallback in Bandwidth's bandwidth.yml; the same two tiers as the disconnect schema: the record tier (eventType, callId, the recorder's reserved names) refuses, every property marked \"specTier\": true only names its deviations. Unknown fields are kept.",
  "type": "object",
  "required": [
    "eventType",
    "callId"
  ],
  "properties": {
    "eventType": {
      "description": "Always \"transferDisconnect\" for this callback.",
      "const": "transferDisconnect"
    },
    "callId": {
      "description": "The leg's own call id: the table's partition key. DynamoDB limits a partition key to 2,048 bytes of UTF-8.",
      "type": "string",
      "minLength": 1,
      "maxUtf8Bytes": 2048
    },
    "parentCallId": {},
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
    "tag": {},
    "transferCallerId": {},
    "transferTo": {},
    "cause": {},
    "errorMessage": {},
    "errorId": {},
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
    "callReference": {
      "description": "Another call's id, as a DynamoDB key can hold it: a non-empty string of at most 2,048 bytes of UTF-8.",
      "type": "string",
      "minLength": 1,
      "maxUtf8Bytes": 2048
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
 * A transferDisconnect callback that passed the record tier. The spec tier's fields are `unknown`: a callback
 * that deviates from Bandwidth's spec is stored as sent, so a stored record may hold any JSON value there.
 */
export type TransferDisconnectCallback = FromSchema<typeof schema>;
