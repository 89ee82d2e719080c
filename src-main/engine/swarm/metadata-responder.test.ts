import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PeerConnection } from '../wire/peer-connection';
import { generatePeerId } from '../wire/peer-id';
import { readHandshake } from '../wire/read-handshake';
import { encodeMetadataMessage, MAX_METADATA_SIZE, METADATA_PIECE_SIZE, parseMetadataMessage, UT_METADATA, UT_METADATA_LOCAL_ID, type MetadataMessage } from '../wire/ut-metadata';
import { MetadataResponder } from './metadata-responder';

const infoHash = randomBytes(20);
let server: Server | undefined;
const open: PeerConnection[] = [];

afterEach(async () => {
  for (const c of open.splice(0)) c.close('test over');
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

/** A serving side (a MetadataResponder over `info`) and a client that asks it; resolves the client. */
async function connect(info: Uint8Array): Promise<{ client: PeerConnection; answers: MetadataMessage[]; offered: Promise<{ m: Record<string, number>; metadataSize?: number }> }> {
  server = createServer((socket) => {
    void readHandshake(socket).then((received) => {
      const conn = PeerConnection.accept(socket, received, { infoHash, peerId: generatePeerId() });
      open.push(conn);
      const responder = new MetadataResponder(conn, info);
      conn.on('handshake', () => conn.sendExtendedHandshake(responder.handshakeFields()));
      conn.on('extended', (id, payload) => id === UT_METADATA_LOCAL_ID && responder.handle(payload));
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const client = PeerConnection.dial({ infoHash, peerId: generatePeerId(), host: '127.0.0.1', port });
  open.push(client);
  const answers: MetadataMessage[] = [];
  client.on('handshake', () => client.sendExtendedHandshake({ m: { [UT_METADATA]: 7 } }));
  client.on('extended', (id, payload) => id === 7 && answers.push(parseMetadataMessage(payload)));
  const offered = once(client, 'extendedHandshake').then(([h]) => h as { m: Record<string, number>; metadataSize?: number });
  return { client, answers, offered };
}

const ask = (client: PeerConnection, piece: number) => client.sendExtended(UT_METADATA_LOCAL_ID, encodeMetadataMessage({ type: 'request', piece }));

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

describe('MetadataResponder', () => {
  it('offers the info dictionary, serves its pieces and rejects pieces that do not exist', async () => {
    const info = randomBytes(METADATA_PIECE_SIZE + 500);
    const { client, answers, offered } = await connect(info);
    expect(await offered).toMatchObject({ m: { [UT_METADATA]: UT_METADATA_LOCAL_ID }, metadataSize: info.length });
    ask(client, 1);
    ask(client, 0);
    ask(client, 2);
    await until(() => answers.length === 3);
    const [last, first, missing] = answers;
    expect(first).toMatchObject({ type: 'data', piece: 0, totalSize: info.length });
    expect(last).toMatchObject({ type: 'data', piece: 1, totalSize: info.length });
    if (first?.type !== 'data' || last?.type !== 'data') throw new Error('expected data');
    expect(Buffer.concat([first.data, last.data]).equals(info)).toBe(true);
    expect(missing).toEqual({ type: 'reject', piece: 2 });
  });

  it('answers each piece a few times per connection, then rejects', async () => {
    const info = randomBytes(100);
    const { client, answers, offered } = await connect(info);
    await offered;
    for (let i = 0; i < 5; i++) ask(client, 0);
    await until(() => answers.length === 5);
    expect(answers.map((a) => a.type)).toEqual(['data', 'data', 'data', 'reject', 'reject']);
  });

  it('does not offer an info dictionary larger than peers accept, and rejects requests for it', async () => {
    const { client, answers, offered } = await connect(new Uint8Array(MAX_METADATA_SIZE + 1));
    const h = await offered;
    expect(h.m[UT_METADATA]).toBeUndefined();
    expect(h.metadataSize).toBeUndefined();
    ask(client, 0);
    await until(() => answers.length === 1);
    expect(answers).toEqual([{ type: 'reject', piece: 0 }]);
  });
});
