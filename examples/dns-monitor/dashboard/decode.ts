// The dashboard's decoder of dnsmon's ring-buffer events, written by hand
// from the C. It assumed struct dns_key is 45 bytes (the sum of its members)
// and missed the 3 bytes of tail padding C adds, so everything after `key`
// is read 3 bytes early.
export interface DnsKey {
  saddr: number;
  daddr: number;
  sport: number;
  dport: number;
  proto: number;
  qname: string;
}

export interface DnsEvent {
  ts_ns: bigint;
  pid: number;
  rcode: number;
  qtype: number;
  key: DnsKey;
  latency_ns: bigint;
  comm: string;
}

const text = new TextDecoder();

function cString(view: DataView, off: number, len: number): string {
  const bytes = new Uint8Array(view.buffer, view.byteOffset + off, len);
  const nul = bytes.indexOf(0);
  return text.decode(nul < 0 ? bytes : bytes.subarray(0, nul));
}

function decodeKey(view: DataView, off: number): DnsKey {
  return {
    saddr: view.getUint32(off, true),
    daddr: view.getUint32(off + 4, true),
    sport: view.getUint16(off + 8, false),
    dport: view.getUint16(off + 10, false),
    proto: view.getUint8(off + 12),
    qname: cString(view, off + 13, 32),
  };
}

export function decodeDnsEvent(view: DataView, off = 0): DnsEvent {
  return {
    ts_ns: view.getBigUint64(off, true),
    pid: view.getUint32(off + 8, true),
    rcode: view.getUint8(off + 12),
    qtype: view.getUint16(off + 14, true),
    key: decodeKey(view, off + 16),
    latency_ns: view.getBigUint64(off + 61, true),
    comm: cString(view, off + 69, 16),
  };
}
