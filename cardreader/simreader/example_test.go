package simreader_test

import (
	"context"
	"fmt"

	"motcua/cardreader/cccd"
	"motcua/cardreader/simreader"
)

// Read a virtual card as a kiosk would, with the test CSCA trusted.
func ExampleReadFile() {
	r, err := simreader.ReadFile(context.Background(), "../../seeds/cards/nguyen-van-an.json", simreader.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Wipe()
	v := r.Verification
	fmt.Println(cccd.MaskID(r.Citizen.ID), r.Access, v.Passive.Status, v.Active.Status, v.Chip.Status)
	// Output: ••••••••4217 BAC passed passed unsupported
}
