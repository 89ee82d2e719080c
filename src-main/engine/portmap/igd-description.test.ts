import { describe, expect, it } from 'vitest';
import { findForwardingService, MAX_DESCRIPTION_BYTES } from './igd-description';
import { parseSoapReply, soapEnvelope, UpnpFault } from './soap';
import { parseSearchReply } from './ssdp';

const location = new URL('http://192.168.1.1:5000/rootDesc.xml');

function description(services: string, base = ''): string {
  return `<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0">${base}<device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType><serviceList><service><serviceType>urn:schemas-upnp-org:service:Layer3Forwarding:1</serviceType><controlURL>/ctl/L3F</controlURL></service></serviceList><deviceList><device><deviceList><device><serviceList>${services}</serviceList></device></deviceList></device></deviceList></device></root>`;
}

const ip = '<service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType><controlURL>/ctl/IPConn</controlURL></service>';
const ppp = '<service><serviceType>urn:schemas-upnp-org:service:WANPPPConnection:1</serviceType><controlURL>/ctl/PPPConn</controlURL></service>';

describe('SSDP search replies', () => {
  const ok = (loc: string): Buffer => Buffer.from(`HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nLocation: ${loc}\r\n\r\n`);

  it('takes the description URL of the device that answered', () => {
    expect(parseSearchReply(ok('http://192.168.1.1:5000/rootDesc.xml'), '192.168.1.1')).toEqual({ location });
  });

  it('refuses a LOCATION on another host, another scheme, a malformed one, a missing one, a non-200 and an oversized reply', () => {
    expect(parseSearchReply(ok('http://10.9.9.9:5000/rootDesc.xml'), '192.168.1.1')).toEqual({ error: 'an SSDP reply from 192.168.1.1 points at another host (10.9.9.9)' });
    expect(parseSearchReply(ok('file:///etc/passwd'), '192.168.1.1')).toEqual({ error: 'an SSDP reply from 192.168.1.1 points at file:, not http:' });
    expect(parseSearchReply(ok('http://[zz'), '192.168.1.1')).toEqual({ error: 'an SSDP reply from 192.168.1.1 has a malformed LOCATION' });
    expect(parseSearchReply(Buffer.from('HTTP/1.1 200 OK\r\nST: x\r\n\r\n'), '192.168.1.1')).toEqual({ error: 'an SSDP reply from 192.168.1.1 has no LOCATION' });
    expect(parseSearchReply(Buffer.from('NOTIFY * HTTP/1.1\r\nLOCATION: http://192.168.1.1/\r\n\r\n'), '192.168.1.1')).toEqual({ error: 'an SSDP reply from 192.168.1.1 is not "200 OK"' });
    expect(parseSearchReply(Buffer.alloc(5000, 0x41), '192.168.1.1')).toEqual({ error: 'an SSDP reply of 5000 bytes from 192.168.1.1 is too long' });
  });
});

describe('device description', () => {
  it('finds the WANIPConnection control URL, before a WANPPPConnection one, relative to the description or URLBase', () => {
    expect(findForwardingService(description(ppp + ip), location, '192.168.1.1')).toEqual({
      serviceType: 'urn:schemas-upnp-org:service:WANIPConnection:1',
      controlUrl: new URL('http://192.168.1.1:5000/ctl/IPConn'),
    });
    const viaBase = findForwardingService(description(ppp, '<URLBase>http://192.168.1.1:6000/</URLBase>'), location, '192.168.1.1');
    expect(viaBase.controlUrl.href).toBe('http://192.168.1.1:6000/ctl/PPPConn');
  });

  it('refuses a control URL on any host but the router', () => {
    const elsewhere = ip.replace('/ctl/IPConn', 'http://203.0.113.5/ctl/IPConn');
    expect(() => findForwardingService(description(elsewhere), location, '192.168.1.1')).toThrow("the router's control URL points at 203.0.113.5, not the router 192.168.1.1; refused");
    // A URLBase elsewhere is the same trick.
    expect(() => findForwardingService(description(ip, '<URLBase>http://203.0.113.5/</URLBase>'), location, '192.168.1.1')).toThrow(/points at 203\.0\.113\.5/);
  });

  it('refuses huge, malformed and serviceless descriptions with a sentence', () => {
    expect(() => findForwardingService(`<root>${' '.repeat(MAX_DESCRIPTION_BYTES)}</root>`, location, '192.168.1.1')).toThrow(/over 65536 bytes/);
    expect(() => findForwardingService('<html>not a device</html>', location, '192.168.1.1')).toThrow(/not a UPnP device description/);
    expect(() => findForwardingService(description(ip.replace('</service>', '')), location, '192.168.1.1')).toThrow(/no WANIPConnection or WANPPPConnection/);
    expect(() => findForwardingService(description(''), location, '192.168.1.1')).toThrow(/no WANIPConnection or WANPPPConnection/);
    expect(() => findForwardingService(description(ip.replace('<controlURL>/ctl/IPConn</controlURL>', '')), location, '192.168.1.1')).toThrow(/has no control URL/);
  });

  it('reads a hostile 64 KiB of unclosed tags in linear time', () => {
    const hostile = `<root>${'<service><serviceType>'.repeat(3000)}`.slice(0, MAX_DESCRIPTION_BYTES);
    const started = performance.now();
    expect(() => findForwardingService(hostile, location, '192.168.1.1')).toThrow(/no WANIPConnection/);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('SOAP', () => {
  const type = 'urn:schemas-upnp-org:service:WANIPConnection:1';

  it('writes the action with its arguments escaped', () => {
    const body = soapEnvelope(type, 'AddPortMapping', [
      ['NewExternalPort', 6881],
      ['NewPortMappingDescription', 'a<b&c'],
    ]);
    expect(body).toContain(`<u:AddPortMapping xmlns:u="${type}"><NewExternalPort>6881</NewExternalPort><NewPortMappingDescription>a&lt;b&amp;c</NewPortMappingDescription></u:AddPortMapping>`);
  });

  it('reads the outputs of a 200 and the UPnP error of a 500', () => {
    const ok = `<s:Envelope><s:Body><u:GetExternalIPAddressResponse xmlns:u="${type}"><NewExternalIPAddress>11.22.33.44</NewExternalIPAddress></u:GetExternalIPAddressResponse></s:Body></s:Envelope>`;
    expect(parseSoapReply(200, ok, 'GetExternalIPAddress', ['NewExternalIPAddress'])).toEqual({ NewExternalIPAddress: '11.22.33.44' });
    const fault = '<s:Envelope><s:Body><s:Fault><detail><UPnPError><errorCode>725</errorCode><errorDescription>OnlyPermanentLeasesSupported</errorDescription></UPnPError></detail></s:Fault></s:Body></s:Envelope>';
    const err = (() => {
      try {
        parseSoapReply(500, fault, 'AddPortMapping', []);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UpnpFault);
    expect((err as UpnpFault).code).toBe(725);
    expect((err as UpnpFault).message).toBe('the router refused: OnlyPermanentLeasesSupported (UPnP error 725)');
  });

  it('refuses an answer to another action, a missing output and a bare error status', () => {
    expect(() => parseSoapReply(200, '<x/>', 'GetExternalIPAddress', ['NewExternalIPAddress'])).toThrow('not a GetExternalIPAddressResponse');
    expect(() => parseSoapReply(200, '<u:GetExternalIPAddressResponse></u:GetExternalIPAddressResponse>', 'GetExternalIPAddress', ['NewExternalIPAddress'])).toThrow('has no NewExternalIPAddress');
    expect(() => parseSoapReply(404, '', 'AddPortMapping', [])).toThrow('the router answered AddPortMapping with HTTP 404');
  });
});
