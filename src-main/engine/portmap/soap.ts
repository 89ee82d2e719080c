import { element } from './igd-description';

/** SOAP 1.1 calls to a gateway's forwarding service (UPnP IGD WANIPConnection). */

export const MAX_SOAP_REPLY_BYTES = 16 * 1024;

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export function soapEnvelope(serviceType: string, action: string, args: ReadonlyArray<readonly [string, string | number]>): string {
  const body = args.map(([name, value]) => `<${name}>${escapeXml(String(value))}</${name}>`).join('');
  return (
    '<?xml version="1.0"?>\r\n' +
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">' +
    `<s:Body><u:${action} xmlns:u="${escapeXml(serviceType)}">${body}</u:${action}></s:Body></s:Envelope>`
  );
}

/** A UPnP error the router answered with (e.g. 725: only permanent leases). */
export class UpnpFault extends Error {
  constructor(
    readonly code: number,
    description: string,
  ) {
    super(`the router refused: ${description} (UPnP error ${code})`);
  }
}

/**
 * The reply to `action`: its named output values when the router says 200, its UPnP fault
 * when it says 500 with one, an error otherwise.
 */
export function parseSoapReply(status: number, body: string, action: string, outputs: readonly string[]): Record<string, string> {
  if (status === 200) {
    if (!body.includes(`${action}Response`)) throw new Error(`the router's answer to ${action} is not a ${action}Response`);
    const values: Record<string, string> = {};
    for (const name of outputs) {
      const value = element(body, name);
      if (value === undefined) throw new Error(`the router's answer to ${action} has no ${name}`);
      values[name] = value;
    }
    return values;
  }
  const code = Number(element(body, 'errorCode'));
  if (status === 500 && Number.isInteger(code) && code > 0) throw new UpnpFault(code, (element(body, 'errorDescription') ?? 'no description').slice(0, 200));
  throw new Error(`the router answered ${action} with HTTP ${status}`);
}
