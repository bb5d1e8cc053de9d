package tlv_test

import (
	"fmt"

	"motcua/cardreader/tlv"
)

func ExampleHeader() {
	// The first bytes of a DG2 file tell the reader how much to fetch.
	tag, headerLen, valueLen, err := tlv.Header([]byte{0x75, 0x82, 0x2F, 0x10, 0x7F, 0x61})
	fmt.Printf("%X %d %d %v\n", tag, headerLen, valueLen, err)
	// Output: 75 4 12048 <nil>
}

func ExampleFindPath() {
	dg1 := tlv.Nest(0x61, tlv.Encode(0x5F1F, []byte("IDVNM…")))
	mrz, err := tlv.FindPath(dg1, 0x61, 0x5F1F)
	fmt.Println(string(mrz), err)
	// Output: IDVNM… <nil>
}
