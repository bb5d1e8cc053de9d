package lds_test

import (
	"fmt"

	"motcua/cardreader/lds"
)

func ExampleParseTD1() {
	// The fictional example of docs/reference/cccd-tech.md §2.1.
	m, err := lds.ParseTD1("IDVNM2030012345079203001234<<5" +
		"0308153M2808152VNM<<<<<<<<<<<8" +
		"PHAM<<MINH<KHOA<<<<<<<<<<<<<<<")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.ID(), m.DocumentNumber, m.BACKeySeedInput())
	// Output: 079203001234 203001234 203001234503081532808152
}
