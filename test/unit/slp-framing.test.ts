// Server List Ping framing: VarInts, strings, handshakes, and packets that arrive merged in one
// TCP read or split across many.
import {
  MAX_PACKET_BYTES,
  PacketDecoder,
  SlpProtocolError,
  decodeVarInt,
  encodeHandshake,
  encodePacket,
  encodeStatusResponse,
  encodeString,
  encodeVarInt,
  parseHandshake,
  readString,
} from '../../src/connectors/minecraft/slp-framing';

const hex = (b: Buffer) => b.toString('hex');

describe('VarInt', () => {
  test.each([
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8001'],
    [255, 'ff01'],
    [25565, 'ddc701'],
    [2097151, 'ffff7f'],
    [2147483647, 'ffffffff07'],
    [-1, 'ffffffff0f'],
    [-2147483648, '8080808008'],
  ])('%i is encoded as %s and decoded back', (value, bytes) => {
    expect(hex(encodeVarInt(value))).toBe(bytes);
    expect(decodeVarInt(Buffer.from(bytes, 'hex'))).toEqual({ value, size: bytes.length / 2 });
  });

  test('a VarInt cut short decodes to null (wait for more bytes)', () => {
    expect(decodeVarInt(Buffer.from('dd', 'hex'))).toBeNull();
    expect(decodeVarInt(Buffer.alloc(0))).toBeNull();
  });

  test('a VarInt longer than five bytes is a protocol error', () => {
    expect(() => decodeVarInt(Buffer.from('ffffffffff01', 'hex'))).toThrow(SlpProtocolError);
  });

  test('a value outside 32 bits cannot be encoded', () => {
    expect(() => encodeVarInt(2 ** 33)).toThrow(RangeError);
    expect(() => encodeVarInt(1.5)).toThrow(RangeError);
  });
});

describe('strings and handshakes', () => {
  test('a UTF-8 string is length-prefixed in bytes, not characters', () => {
    const b = encodeString('été');
    expect(b[0]).toBe(5);
    expect(readString(b, 0)).toEqual({ value: 'été', size: 6 });
  });

  test('a string that runs past the packet is refused', () => {
    expect(() => readString(Buffer.from([10, 0x61]), 0)).toThrow(/runs past the end/);
  });

  test('a handshake survives encoding and decoding', () => {
    const packet = encodeHandshake({ protocolVersion: 769, address: 'mc.example.org', port: 25565, nextState: 1 });
    const [decoded] = new PacketDecoder().push(packet);
    expect(decoded?.id).toBe(0);
    expect(parseHandshake(decoded?.payload as Buffer)).toEqual({ protocolVersion: 769, address: 'mc.example.org', port: 25565, nextState: 1 });
  });

  test('a truncated handshake says what is missing', () => {
    const body = Buffer.concat([encodeVarInt(47), encodeString('host')]);
    expect(() => parseHandshake(body)).toThrow(/before its port/);
  });
});

describe('PacketDecoder', () => {
  const handshake = encodeHandshake({ protocolVersion: 47, address: '127.0.0.1', port: 25565, nextState: 1 });
  const request = encodePacket(0x00);
  const ping = encodePacket(0x01, Buffer.from('0000000000000042', 'hex'));

  test('packets merged into one read come out one by one', () => {
    const packets = new PacketDecoder().push(Buffer.concat([handshake, request, ping]));
    expect(packets.map((p) => p.id)).toEqual([0, 0, 1]);
    expect(packets[1]?.payload.length).toBe(0);
    expect(hex(packets[2]?.payload as Buffer)).toBe('0000000000000042');
  });

  test('a packet split byte by byte comes out once, when its last byte arrives', () => {
    const decoder = new PacketDecoder();
    const all = Buffer.concat([handshake, request]);
    const seen: number[] = [];
    all.forEach((byte, i) => {
      seen.push(...decoder.push(Buffer.from([byte])).map(() => i));
    });
    expect(seen).toEqual([handshake.length - 1, all.length - 1]);
    expect(decoder.pending).toBe(0);
  });

  test('a read that ends inside the length VarInt of a large status answer waits for the rest', () => {
    const status = encodeStatusResponse({ description: 'x'.repeat(300), players: { online: 1, max: 2 } });
    expect(status[0]! & 0x80).toBe(0x80); // a two-byte length
    const decoder = new PacketDecoder();
    expect(decoder.push(status.subarray(0, 1))).toEqual([]);
    expect(decoder.push(status.subarray(1, 40))).toEqual([]);
    const [packet] = decoder.push(Buffer.concat([status.subarray(40), ping.subarray(0, 2)]));
    expect(JSON.parse(readString(packet?.payload as Buffer, 0).value)).toMatchObject({ players: { online: 1 } });
    expect(decoder.pending).toBe(2);
    expect(decoder.push(ping.subarray(2)).map((p) => p.id)).toEqual([1]);
  });

  test('a zero or oversized packet length is refused', () => {
    expect(() => new PacketDecoder().push(Buffer.from([0]))).toThrow(/between 1 and/);
    expect(() => new PacketDecoder().push(encodeVarInt(MAX_PACKET_BYTES + 1))).toThrow(SlpProtocolError);
  });
});
