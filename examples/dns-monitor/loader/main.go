// dnsmon's loader: attaches the programs, opens the pinned query counter and
// prints every answer the ring buffer carries.
package main

import (
	"bytes"
	"encoding/binary"
	"log"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/ringbuf"
)

// DnsKey mirrors struct dns_key, but binary.Read packs it: the 3 bytes of
// tail padding C puts after qname are not skipped.
type DnsKey struct {
	Saddr uint32
	Daddr uint32
	Sport uint16
	Dport uint16
	Proto uint8
	Qname [32]byte
}

type DnsEvent struct {
	TsNs      uint64
	Pid       uint32
	Rcode     uint8
	Flags     uint8
	Qtype     uint16
	Key       DnsKey
	LatencyNs uint64
	Comm      [16]byte
}

func main() {
	// Bug from review: the key was 16 bytes when the map only held addresses
	// and ports; it grew, and this spec did not.
	queries, err := ebpf.NewMapWithOptions(&ebpf.MapSpec{
		Name:       "dns_queries",
		Type:       ebpf.Hash,
		KeySize:    16,
		ValueSize:  8,
		MaxEntries: 16384,
		Pinning:    ebpf.PinByName,
	}, ebpf.MapOptions{PinPath: "/sys/fs/bpf/dnsmon"})
	if err != nil {
		log.Fatal(err)
	}
	defer queries.Close()

	events, err := ebpf.LoadPinnedMap("/sys/fs/bpf/dnsmon/events", nil)
	if err != nil {
		log.Fatal(err)
	}
	rd, err := ringbuf.NewReader(events)
	if err != nil {
		log.Fatal(err)
	}
	for {
		record, err := rd.Read()
		if err != nil {
			log.Fatal(err)
		}
		var e DnsEvent
		if err := binary.Read(bytes.NewReader(record.RawSample), binary.LittleEndian, &e); err != nil {
			log.Fatal(err)
		}
		log.Printf("pid %d rcode %d latency %d ns", e.Pid, e.Rcode, e.LatencyNs)
	}
}
