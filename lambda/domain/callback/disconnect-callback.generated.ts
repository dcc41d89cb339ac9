// Generated from schemas/disconnect.schema.json by tools/bin/generate.ts (npm run generate). Do not edit.
import type { FromSchema } from 'json-schema-to-ts';

const schema = {
  "$schema": "http://json-schema.org/draft-07/schema#",
  "$id": "https://schemas.bandwidth-disconnect-recorder/disconnect.schema.json",
  "title": "DisconnectCallback",
  "description": "A Bandwidth Voice Disconnect callback, as Bandwidth really sends it. Tolerant where real traffic varies (Bandwidth marks no field as required and adds fields over time: unknown fields are kept), strict only where strictness protects the store.",
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
    "eventTime": {
      "$ref": "#/definitions/optionalTime"
    },
    "accountId": {
      "$ref": "#/definitions/id"
    },
    "applicationId": {
      "$ref": "#/definitions/id"
    },
    "from": {
      "$ref": "#/definitions/party"
    },
    "to": {
      "$ref": "#/definitions/party"
    },
    "direction": {
      "description": "\"inbound\" or \"outbound\" as documented; any other value is kept as sent.",
      "type": "string",
      "maxLength": 64
    },
    "callUrl": {
      "type": "string",
      "maxLength": 4096
    },
    "enqueuedTime": {
      "$ref": "#/definitions/optionalTime"
    },
    "startTime": {
      "$ref": "#/definitions/optionalTime"
    },
    "answerTime": {
      "$ref": "#/definitions/optionalTime"
    },
    "endTime": {
      "$ref": "#/definitions/optionalTime"
    },
    "cause": {
      "description": "Why the call ended. The documented list is not exhaustive: any string is accepted.",
      "type": "string",
      "maxLength": 256
    },
    "errorMessage": {
      "type": [
        "string",
        "null"
      ],
      "maxLength": 4096
    },
    "errorId": {
      "type": [
        "string",
        "null"
      ],
      "maxLength": 256
    },
    "tag": {
      "type": [
        "string",
        "null"
      ],
      "maxLength": 4096
    },
    "sipCallId": {
      "type": [
        "string",
        "null"
      ],
      "maxLength": 1024
    },
    "sipResponseCode": {
      "type": [
        "integer",
        "null"
      ],
      "minimum": 0,
      "maximum": 999
    },
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
      "description": "ISO 8601 when present; may be absent, null or the empty string.",
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

/** A Disconnect callback that passed the schema. */
export type DisconnectCallback = FromSchema<typeof schema>;
