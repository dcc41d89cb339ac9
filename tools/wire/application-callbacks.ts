/**
 * The part of a Bandwidth Voice application that says where its disconnect (call status) callbacks go, as the
 * account API's partial update takes it: `PATCH .../accounts/{accountId}/applications/{applicationId}` with an
 * XML `<Application>` holding only the fields to change (dev.bandwidth.com, "Applications", "Partially Update an
 * Application"). The other fields of the application (its initiate URL, fallbacks, name) stay as they are.
 */

export type CallbackMethod = 'POST' | 'GET';

export interface CallbackCredentials {
  /** Bandwidth's `CallbackCreds.UserId`: the Basic auth username it sends. */
  username: string;
  password: string;
}

export interface StatusCallbackSettings {
  /** `CallStatusCallbackUrl`: where Bandwidth sends the disconnect event of inbound calls. */
  url: string;
  /** `CallStatusMethod`. */
  method: CallbackMethod;
  /** `CallbackCreds`; left unchanged on the application when absent. */
  credentials: CallbackCredentials | undefined;
}

const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => XML_ESCAPES[character] ?? character);
}

const XML_UNESCAPES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (entity, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return XML_UNESCAPES[name] ?? entity;
  });
}

/** The PATCH body. The password is only ever in this string, sent over TLS; never logged (see `describe`). */
export function statusCallbackPatchXml(settings: StatusCallbackSettings): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Application>',
    `  <CallStatusCallbackUrl>${escapeXml(settings.url)}</CallStatusCallbackUrl>`,
    `  <CallStatusMethod>${settings.method}</CallStatusMethod>`,
  ];
  if (settings.credentials !== undefined) {
    lines.push(
      '  <CallbackCreds>',
      `    <UserId>${escapeXml(settings.credentials.username)}</UserId>`,
      `    <Password>${escapeXml(settings.credentials.password)}</Password>`,
      '  </CallbackCreds>',
    );
  }
  lines.push('</Application>', '');
  return lines.join('\n');
}

/** The first `<Name>text</Name>` in an XML document, unescaped; undefined when absent. Enough for Bandwidth's answers. */
export function xmlElementText(xml: string, name: string): string | undefined {
  const found = new RegExp(`<${name}(?:\\s[^>]*)?>([^<]*)</${name}>`).exec(xml);
  return found?.[1] === undefined ? undefined : unescapeXml(found[1]);
}

/** What the settings say, for the operator: everything but the password. */
export function describeSettings(settings: StatusCallbackSettings): string {
  const credentials =
    settings.credentials === undefined
      ? 'CallbackCreds unchanged'
      : `CallbackCreds.UserId=${settings.credentials.username} (password set)`;
  return `CallStatusCallbackUrl=${settings.url} CallStatusMethod=${settings.method} ${credentials}`;
}
