/**
 * A gateway's device description (UPnP Device Architecture §2): which of its services
 * forwards ports (WANIPConnection, else WANPPPConnection) and where that service's control URL is.
 */

export const MAX_DESCRIPTION_BYTES = 64 * 1024;

export interface IgdService {
  readonly serviceType: string;
  readonly controlUrl: URL;
}

const FORWARDING = [/^urn:schemas-upnp-org:service:WANIPConnection:\d+$/, /^urn:schemas-upnp-org:service:WANPPPConnection:\d+$/];

/** The text of the first `<tag>` element in `xml`, unescaped. */
export function element(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}(?:\\s[^>]*)?>([^<]*)</${tag}\\s*>`).exec(xml);
  return m ? unescapeXml(m[1]!.trim()) : undefined;
}

/** The insides of every `<tag>…</tag>`, found in one pass (no regex that could backtrack over a hostile 64 KiB). */
function blocks(xml: string, tag: string): string[] {
  const out: string[] = [];
  for (let at = 0; ; ) {
    const open = xml.indexOf(`<${tag}>`, at);
    if (open < 0) return out;
    const close = xml.indexOf(`</${tag}>`, open);
    if (close < 0) return out;
    out.push(xml.slice(open + tag.length + 2, close));
    at = close;
  }
}

export function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos);/g, (_, name: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[name]!);
}

/**
 * The forwarding service of a description fetched from `location`, whose host (`router`) is the
 * address the SSDP reply came from. A control URL on any other host, or of another scheme, is
 * refused: a hostile device must not make us post our requests elsewhere.
 */
export function findForwardingService(xml: string, location: URL, router: string): IgdService {
  if (xml.length > MAX_DESCRIPTION_BYTES) throw new Error(`the router's description is over ${MAX_DESCRIPTION_BYTES} bytes`);
  if (!/<root[\s>]/.test(xml)) throw new Error("the router's description is not a UPnP device description (no <root>)");
  const services = blocks(xml, 'service');
  const base = element(xml, 'URLBase');
  for (const pattern of FORWARDING) {
    for (const service of services) {
      const serviceType = element(service, 'serviceType');
      if (serviceType === undefined || !pattern.test(serviceType)) continue;
      const control = element(service, 'controlURL');
      if (!control) throw new Error(`the router's ${serviceType} has no control URL`);
      let controlUrl: URL;
      try {
        controlUrl = new URL(control, base ? new URL(base, location) : location);
      } catch {
        throw new Error(`the router's control URL "${control.slice(0, 100)}" is malformed`);
      }
      if (controlUrl.protocol !== 'http:') throw new Error(`the router's control URL is ${controlUrl.protocol}, not http:`);
      if (controlUrl.hostname !== router) throw new Error(`the router's control URL points at ${controlUrl.hostname.slice(0, 100)}, not the router ${router}; refused`);
      return { serviceType, controlUrl };
    }
  }
  throw new Error('the router offers no WANIPConnection or WANPPPConnection service');
}
