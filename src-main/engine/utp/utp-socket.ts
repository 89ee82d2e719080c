import { performance } from 'node:perf_hooks';
import { Duplex } from 'node:stream';
import { ShoalError } from '../../../src-shared/errors';
import type { PeerAddress } from '../net/peer-address';
import { Congestion } from './congestion';
import { HEADER_SIZE, seqDistance, ST_DATA, ST_FIN, ST_RESET, ST_STATE, ST_SYN, stampPacket, writeHeader, type PacketType, type UtpPacket } from './packet';
import { ReceiveWindow } from './receive-window';
import { SendWindow, SEND_SLOTS, type AckOutcome } from './send-window';

/**
 * Datagrams of at most this many bytes: an Ethernet MTU (1,500) less IPv6 and UDP headers (48)
 * and room for PPPoE and most tunnels, near where libutp and libtorrent start their path MTU search.
 * We do not search: Node's dgram cannot set the don't-fragment bit (IP_MTU_DISCOVER) or read
 * ICMP "fragmentation needed", so probes could not be told from losses. A path narrower than
 * this still works: the kernel fragments what exceeds the path MTU it has learned.
 */
export const MAX_DATAGRAM = 1400;
const MAX_PAYLOAD = MAX_DATAGRAM - HEADER_SIZE;
/** Bytes received and not yet read (in order or early) before our window closes. */
export const RECEIVE_BUFFER = 1024 * 1024;
/**
 * Bytes past the window we advertised that we still take in order: a window probe, and packets a
 * sender sent on an older, larger window. Beyond it data is dropped unacknowledged (early packets
 * beyond the window itself), so a peer ignoring our window cannot make us hold more than
 * `RECEIVE_BUFFER` and this.
 */
const WINDOW_SLACK = 64 * 1024;
/** Room in our buffer (a quarter of it) that counts as our window open again after it was shut. */
const REOPENED = RECEIVE_BUFFER / 4;
/** Bytes written and not yet sent before `write` holds its callback (backpressure). */
const SEND_BUFFER = 512 * 1024;
/** Timeouts in a row, each twice as long, before the peer counts as gone (about 30 s from 0.5 s). */
const MAX_TIMEOUTS = 7;
/** SYN timeouts before giving up the dial (the SYN goes again after 1 s; at 3 s it is over), so TCP may be tried soon. */
const MAX_SYN_TIMEOUTS = 1;

/** What a connection needs from the socket manager. */
export interface UtpLink {
  send(bytes: Uint8Array, to: PeerAddress): void;
  /** Calls `flush` on the socket once this turn of the event loop is over (ACKs, coalesced writes). */
  schedule(socket: UtpSocket): void;
  /** The socket closed: its connection id is free. */
  forget(socket: UtpSocket): void;
}

type State = 'syn-sent' | 'connected' | 'closed';

/** A `performance.now()` reading in microseconds modulo 2^32, as uTP timestamps are. */
const micros = (ms: number): number => Math.floor(ms * 1000) >>> 0;
/**
 * Now, as a uTP timestamp. (`performance` comes from perf_hooks: the global one is a getter that
 * cost more than the clock read, several times a packet.)
 */
export const microsNow = (): number => micros(performance.now());

/**
 * One uTP connection (BEP 29) as a duplex byte stream, the way the peer wire uses a TCP socket:
 * `write`, `data`, `pause`/`resume`, `destroy`, `connect`/`end`/`close`/`error`, `remoteAddress`.
 * Underneath: sequence numbers, ACKs with selective ACK, retransmission on three duplicates or a
 * timeout, LEDBAT for how much is in flight, and our receive window for how much the peer sends.
 */
export class UtpSocket extends Duplex {
  readonly remote: PeerAddress;
  /** Our id: the peer's packets carry it. */
  readonly recvId: number;
  /** The peer's id: our packets carry it. */
  readonly sendId: number;
  #state: State;
  readonly #link: UtpLink;
  readonly #send: SendWindow;
  #receive: ReceiveWindow | undefined;
  readonly #congestion = new Congestion(MAX_PAYLOAD, SEND_SLOTS * MAX_PAYLOAD);
  readonly #outcome: AckOutcome = { ackedBytes: 0, rttMs: -1, lostSeq: -1 };
  #peerWindow = MAX_PAYLOAD;
  /** Our `timestamp_difference` for the peer: its last timestamp against our clock. */
  #replyMicros = 0;
  /** Written bytes waiting for the window: chunks, and how far into the first one we are. */
  readonly #queue: Uint8Array[] = [];
  #queueHead = 0;
  #queued = 0;
  #heldWrite: ((error?: Error | null) => void) | undefined;
  #needAck = false;
  #finWanted = false;
  #finSent = false;
  #timerFrom = 0;
  #timeouts = 0;
  /** The highest sequence number sent when a loss was last answered: one halving per round trip. */
  #recoverySeq = -1;
  #windowWasClosed = false;
  /** The peer's window is closed and nothing is in flight: one packet may go to see if it opened. */
  #probeDue = false;
  #eof = false;

  private constructor(link: UtpLink, remote: PeerAddress, recvId: number, sendId: number, seq: number, state: State) {
    super({ allowHalfOpen: false, readableHighWaterMark: RECEIVE_BUFFER, writableHighWaterMark: 64 * 1024, decodeStrings: false });
    this.#link = link;
    this.remote = remote;
    this.recvId = recvId;
    this.sendId = sendId;
    this.#send = new SendWindow(seq, MAX_DATAGRAM);
    this.#state = state;
  }

  /** Dials: sends a SYN; `connect` follows the peer's answer. */
  static connect(link: UtpLink, to: PeerAddress, recvId: number): UtpSocket {
    const socket = new UtpSocket(link, to, recvId, (recvId + 1) & 0xffff, 1, 'syn-sent');
    // The SYN carries our receive id, which the peer's packets carry back to us.
    socket.#transmit(socket.#queuePacket(ST_SYN, 0, recvId), performance.now());
    return socket;
  }

  /** Answers a SYN (its connection id is the peer's receive id). */
  static accept(link: UtpLink, from: PeerAddress, syn: UtpPacket): UtpSocket {
    const socket = new UtpSocket(link, from, (syn.connectionId + 1) & 0xffff, syn.connectionId, randomSeq(), 'connected');
    socket.#receive = new ReceiveWindow(syn.seq);
    socket.#peerWindow = syn.window;
    socket.#replyMicros = (microsNow() - syn.timestamp) >>> 0;
    socket.#sendState();
    return socket;
  }

  get remoteAddress(): string {
    return this.remote.host;
  }

  get remotePort(): number {
    return this.remote.port;
  }

  get connected(): boolean {
    return this.#state === 'connected';
  }

  /** As TCP's; uTP sends what is written at the end of each turn of the event loop anyway. */
  setNoDelay(): this {
    return this;
  }

  /** The peer resent its SYN (our answer was lost): answer again. */
  synAgain(): void {
    if (this.#state === 'connected' && this.#send.outstanding === 0) this.#sendState();
  }

  /** A packet for this connection (already decoded and matched by id and address). */
  receive(p: UtpPacket, nowMs: number): void {
    if (this.#state === 'closed') return;
    if (p.type === ST_RESET) {
      this.destroy(new ShoalError('network', 'The peer reset the uTP connection.'));
      return;
    }
    if (p.type === ST_SYN) return; // a SYN for an open connection (the manager answers resent ones)
    this.#replyMicros = (micros(nowMs) - p.timestamp) >>> 0;
    if (this.#state === 'syn-sent') {
      if (p.type !== ST_STATE || p.ack !== 1) return;
      this.#receive = new ReceiveWindow((p.seq - 1) & 0xffff);
      this.#state = 'connected';
      this.#onAck(p, nowMs);
      this.emit('connect');
      this.#link.schedule(this);
      return;
    }
    const receive = this.#receive!;
    // An ACK of packets never sent, or data far outside the window: a confused or hostile peer.
    if (!this.#onAck(p, nowMs)) return;
    if (p.type === ST_DATA) {
      const room = RECEIVE_BUFFER - this.readableLength - receive.storedBytes;
      const arrival = receive.data(p.seq, p.payload, this.#deliver, room + WINDOW_SLACK, room);
      if (arrival === 'out-of-window') return;
      this.#needAck = true;
    } else if (p.type === ST_FIN) {
      if (receive.fin(p.seq) === 'out-of-window') return;
      this.#needAck = true;
    }
    if (receive.ended && !this.#eof) {
      this.#eof = true; // a FIN sent again must not end the stream twice
      this.push(null);
    }
    this.#link.schedule(this);
  }

  /** Sends what the windows allow: lost packets first, then new data, our FIN, and a pending ACK. */
  flush(): void {
    if (this.#state !== 'connected') return;
    const now = performance.now();
    const limit = Math.min(this.#congestion.window, this.#peerWindow);
    for (let seq = this.#send.firstLost(); seq >= 0; seq = this.#send.firstLost()) {
      if (this.#send.inFlight > 0 && this.#send.inFlight + MAX_PAYLOAD > limit) break;
      this.#transmit(seq, now);
    }
    while (this.#queued > 0 && !this.#send.full && !this.#send.hasLost) {
      const size = Math.min(this.#queued, MAX_PAYLOAD);
      if (this.#send.inFlight > 0 && this.#send.inFlight + size > limit) break;
      if (this.#send.inFlight === 0 && this.#peerWindow < size) {
        // A closed window: one packet every RTO sees whether it opened (its ACK says).
        if (!this.#probeDue) break;
        this.#probeDue = false;
      }
      this.#transmit(this.#queuePacket(ST_DATA, size), now);
    }
    if (this.#heldWrite && this.#queued < SEND_BUFFER) {
      const callback = this.#heldWrite;
      this.#heldWrite = undefined;
      callback();
    }
    if (this.#finWanted && !this.#finSent && this.#queued === 0 && !this.#send.full) {
      this.#finSent = true;
      this.#transmit(this.#queuePacket(ST_FIN, 0), now);
    }
    if (this.#needAck) this.#sendState();
  }

  /** The manager's clock: a packet unanswered for a whole RTO is sent again, with a longer RTO. */
  tick(nowMs: number): void {
    if (this.#state === 'closed') return;
    // We said our window was shut and the reader has since caught up: say it is open. `_read` is
    // not enough: Readable calls it once until the next push, and into a shut window the peer
    // pushes nothing (libtorrent sends no probe), so a reader that drained in two goes went
    // unheard and the transfer stalled until the wire gave up on the peer.
    if (this.#windowWasClosed && this.#state === 'connected' && this.#freeBytes() >= REOPENED) {
      this.#needAck = true;
      this.#link.schedule(this);
    }
    if (nowMs - this.#timerFrom < this.#congestion.rto) return;
    if (this.#send.outstanding === 0) {
      if (this.#queued > 0 && this.#peerWindow < MAX_PAYLOAD && this.#state === 'connected') {
        this.#probeDue = true;
        this.#timerFrom = nowMs;
        this.flush();
      }
      return;
    }
    this.#timeouts++;
    const max = this.#state === 'syn-sent' ? MAX_SYN_TIMEOUTS : MAX_TIMEOUTS;
    if (this.#timeouts > max) {
      this.destroy(new ShoalError('network', this.#state === 'syn-sent' ? 'The peer did not answer over uTP.' : 'The uTP connection timed out.'));
      return;
    }
    this.#congestion.timedOut();
    this.#send.timedOut();
    this.#timerFrom = nowMs;
    if (this.#state === 'syn-sent') this.#transmit(1, nowMs);
    else this.flush();
  }

  override _write(chunk: Uint8Array, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#enqueue(chunk);
    this.#afterWrite(callback);
  }

  override _writev(chunks: { chunk: Uint8Array }[], callback: (error?: Error | null) => void): void {
    for (const { chunk } of chunks) this.#enqueue(chunk);
    this.#afterWrite(callback);
  }

  override _read(): void {
    // The reader caught up: if our window had closed, tell the peer it is open again.
    if (this.#windowWasClosed && this.#state === 'connected') {
      this.#needAck = true;
      this.#link.schedule(this);
    }
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#finWanted = true;
    this.#link.schedule(this);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Destroyed before a clean end (both FINs acknowledged): a RESET, as TCP's destroy sends RST,
    // so the peer drops the connection now; a lingering one makes it refuse our redial as a duplicate.
    if (this.#state === 'connected' && !(this.#finSent && this.#send.outstanding === 0 && this.#receive?.ended)) this.#sendReset();
    this.#state = 'closed';
    this.#queue.length = 0;
    this.#link.forget(this);
    const held = this.#heldWrite;
    this.#heldWrite = undefined;
    held?.(error ?? new ShoalError('network', 'The uTP connection closed.'));
    callback(error);
  }

  readonly #deliver = (payload: Uint8Array): void => {
    this.push(payload);
  };

  /** The ACK every packet carries; false when it acknowledges what we never sent. */
  #onAck(p: UtpPacket, nowMs: number): boolean {
    const send = this.#send;
    const inFlight = send.inFlight;
    send.resendGuardMs = this.#congestion.rto / 2;
    if (!send.ack(p.ack, p.sack, nowMs, this.#outcome)) return false;
    this.#peerWindow = p.window;
    const { ackedBytes, rttMs, lostSeq } = this.#outcome;
    if (rttMs >= 0) this.#congestion.rttSample(rttMs);
    this.#congestion.delaySample(p.timestampDiff, nowMs);
    if (ackedBytes > 0 || (rttMs >= 0 && send.outstanding === 0)) {
      this.#congestion.acked(ackedBytes, inFlight);
      this.#timerFrom = nowMs;
      this.#timeouts = 0;
    }
    if (lostSeq >= 0 && (this.#recoverySeq < 0 || seqDistance(lostSeq, this.#recoverySeq) > 0)) {
      this.#congestion.lost();
      this.#recoverySeq = (send.seq - 1) & 0xffff;
    }
    if (this.#finSent && send.outstanding === 0 && this.#receive?.ended) this.destroy();
    return true;
  }

  /** Builds a packet of `size` queued bytes (or none) and puts it in the send window; returns its seq. */
  #queuePacket(type: PacketType, size: number, connectionId = this.sendId): number {
    const packet = this.#send.buffer(HEADER_SIZE + size);
    writeHeader(packet, { type, connectionId, window: 0, seq: this.#send.seq, ack: 0 });
    let at = HEADER_SIZE;
    while (at < packet.length) {
      const chunk = this.#queue[0]!;
      const take = Math.min(chunk.length - this.#queueHead, packet.length - at);
      // A plain view: a Buffer's subarray goes through Buffer's constructor, once per packet or more.
      packet.set(new Uint8Array(chunk.buffer, chunk.byteOffset + this.#queueHead, take), at);
      at += take;
      this.#queueHead += take;
      if (this.#queueHead === chunk.length) {
        this.#queue.shift();
        this.#queueHead = 0;
      }
    }
    this.#queued -= size;
    return this.#send.add(packet, size);
  }

  #transmit(seq: number, nowMs: number): void {
    const packet = this.#send.packet(seq)!;
    if (this.#send.inFlight === 0) this.#timerFrom = nowMs; // the RTO timer starts with the first packet in flight
    // Packets sent in one flush share its clock reading: they leave within microseconds.
    stampPacket(packet, micros(nowMs), this.#replyMicros, this.#window(), this.#receive?.ack ?? 0);
    this.#send.sent(seq, nowMs);
    this.#link.send(packet, this.remote);
    // A data packet carries our ACK; a selective one still needs a STATE.
    if (this.#receive && this.#receive.storedBytes === 0) this.#needAck = false;
  }

  #sendReset(): void {
    const packet = Buffer.allocUnsafe(HEADER_SIZE);
    writeHeader(packet, { type: ST_RESET, connectionId: this.sendId, window: 0, seq: this.#send.seq, ack: this.#receive?.ack ?? 0 });
    stampPacket(packet, microsNow(), this.#replyMicros, 0, this.#receive?.ack ?? 0);
    this.#link.send(packet, this.remote);
  }

  #sendState(): void {
    this.#needAck = false;
    const receive = this.#receive!;
    const sack = receive.selectiveAck();
    const packet = Buffer.allocUnsafe(HEADER_SIZE + (sack ? 2 + sack.length : 0));
    writeHeader(packet, { type: ST_STATE, connectionId: this.sendId, window: 0, seq: this.#send.seq, ack: receive.ack }, sack);
    stampPacket(packet, microsNow(), this.#replyMicros, this.#window(), receive.ack);
    this.#link.send(packet, this.remote);
  }

  /** What we can still take in: the buffer less what waits to be read and what came early. */
  #window(): number {
    const free = this.#freeBytes();
    this.#windowWasClosed = free < 4 * MAX_PAYLOAD;
    return Math.max(0, free);
  }

  #freeBytes(): number {
    return RECEIVE_BUFFER - this.readableLength - (this.#receive?.storedBytes ?? 0);
  }

  #enqueue(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#queue.push(chunk);
    this.#queued += chunk.length;
  }

  #afterWrite(callback: (error?: Error | null) => void): void {
    this.#link.schedule(this);
    if (this.#queued < SEND_BUFFER) callback();
    else this.#heldWrite = callback;
  }
}

function randomSeq(): number {
  return (Math.random() * 0xffff) | 0 || 1;
}
