package catalog

// testTypes stands in for form.Types in this package's own tests (form
// imports catalog, so the real table cannot be used here); form's tests load
// the embedded catalog with the real one.
var testTypes = typeList{TypeText, TypeDate, TypeChoice, TypeIDNumber, TypePhone, TypeEmail, TypeAddress,
	TypeNumber, TypeBool, TypeAttachment, TypeVehiclePlate}

type typeList []FieldType

func (l typeList) Has(t FieldType) bool {
	for _, x := range l {
		if x == t {
			return true
		}
	}
	return false
}
