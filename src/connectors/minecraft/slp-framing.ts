// Minecraft Java Edition Server List Ping, the wire format: VarInts, strings, and packets framed by
// a VarInt length over TCP. A TCP read can hold half a packet or several packets at once, so the
// decoder buffers bytes and yields whole packets only.
// Reference: the protocol's "Server List Ping" description (handshake → status request → status
// JSON → ping → pong).

/** A VarInt never takes more than 5 bytes (32 bits, 7 per byte). */
const VARINT_MAX_BYTES = 5;
/** Larger frames are refused: a status answer is a few KiB, so anything this big is garbage. */
export const MAX_PACKET_BYTES = 2 * 1024 * 1024;

export class SlpProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SlpProtocolError';
  }
}

export function encodeVarInt(value: number): Buffer {
  if (!Number.isInteger(value) || value < -2147483648 || value > 4294967295) {
    throw new RangeError(`a VarInt holds a 32-bit integer, found ${value}`);
  }
  let v = value >>> 0;
  const bytes: number[] = [];
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (v !== 0);
  return Buffer.from(bytes);
}

/** Reads a VarInt at `offset`; null when the buffer ends before the VarInt does. */
export function decodeVarInt(buf: Buffer, offset = 0): { value: number; size: number } | null {
  let result = 0;
  for (let i = 0; i < VARINT_MAX_BYTES; i++) {
    if (offset + i >= buf.length) return null;
    const byte = buf[offset + i] as number;
    result |= (byte & 0x7f) << (7 * i);
    if ((byte & 0x80) === 0) return { value: result | 0, size: i + 1 };
  }
  throw new SlpProtocolError(`a VarInt is at most ${VARINT_MAX_BYTES} bytes, found a longer one at offset ${offset}`);
}

export function encodeString(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([encodeVarInt(bytes.length), bytes]);
}

/** Reads a string at `offset` of a complete packet payload. */
export function readString(buf: Buffer, offset: number): { value: string; size: number } {
  const len = decodeVarInt(buf, offset);
  if (!len) throw new SlpProtocolError(`expected a string length at offset ${offset}, found the end of the packet`);
  if (len.value < 0 || offset + len.size + len.value > buf.length) {
    throw new SlpProtocolError(`a string of ${len.value} bytes at offset ${offset} runs past the end of the packet (${buf.length} bytes)`);
  }
  return { value: buf.toString('utf8', offset + len.size, offset + len.size + len.value), size: len.size + len.value };
}

export interface Packet {
  id: number;
  payload: Buffer;
}

/** length (VarInt, of id + payload) · packet id (VarInt) · payload */
export function encodePacket(id: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const idBytes = encodeVarInt(id);
  return Buffer.concat([encodeVarInt(idBytes.length + payload.length), idBytes, payload]);
}

/** Buffers TCP bytes and yields whole packets, whatever the chunking. */
export class PacketDecoder {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly maxPacketBytes = MAX_PACKET_BYTES) {}

  push(chunk: Buffer): Packet[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const packets: Packet[] = [];
    for (;;) {
      const len = decodeVarInt(this.buffer, 0);
      if (!len) break;
      if (len.value <= 0 || len.value > this.maxPacketBytes) {
        throw new SlpProtocolError(`a packet length must be between 1 and ${this.maxPacketBytes} bytes, found ${len.value}`);
      }
      const end = len.size + len.value;
      if (this.buffer.length < end) break;
      const body = this.buffer.subarray(len.size, end);
      const id = decodeVarInt(body, 0);
      if (!id) throw new SlpProtocolError(`a packet of ${len.value} bytes has no complete packet id`);
      packets.push({ id: id.value, payload: Buffer.from(body.subarray(id.size)) });
      this.buffer = this.buffer.subarray(end);
    }
    return packets;
  }

  /** Bytes received that do not yet make a whole packet. */
  get pending(): number {
    return this.buffer.length;
  }
}

export interface Handshake {
  protocolVersion: number;
  address: string;
  port: number;
  /** 1 = status, 2 = login. */
  nextState: number;
}

export function encodeHandshake(h: Handshake): Buffer {
  const port = Buffer.alloc(2);
  port.writeUInt16BE(h.port, 0);
  return encodePacket(0x00, Buffer.concat([encodeVarInt(h.protocolVersion), encodeString(h.address), port, encodeVarInt(h.nextState)]));
}

export function parseHandshake(payload: Buffer): Handshake {
  const version = decodeVarInt(payload, 0);
  if (!version) throw new SlpProtocolError('the handshake ends before its protocol version');
  const address = readString(payload, version.size);
  let offset = version.size + address.size;
  if (offset + 2 > payload.length) throw new SlpProtocolError('the handshake ends before its port');
  const port = payload.readUInt16BE(offset);
  offset += 2;
  const next = decodeVarInt(payload, offset);
  if (!next) throw new SlpProtocolError('the handshake ends before its next state');
  return { protocolVersion: version.value, address: address.value, port, nextState: next.value };
}

/** Packet ids of the status state. */
export const STATUS_REQUEST = 0x00;
export const STATUS_RESPONSE = 0x00;
export const PING = 0x01;
export const PONG = 0x01;

export function encodeStatusResponse(json: unknown): Buffer {
  return encodePacket(STATUS_RESPONSE, encodeString(JSON.stringify(json)));
}
