package form

import "fmt"

// Message is text for the citizen or clerk in both languages.
type Message struct {
	VI string `json:"vi"`
	EN string `json:"en"`
}

// In returns the message in lang ("vi" or "en"), falling back to Vietnamese.
func (m Message) In(lang string) string {
	if lang == "en" && m.EN != "" {
		return m.EN
	}
	return m.VI
}

// Code is a stable, machine-readable validation result.
type Code string

// Validation codes. The UI may key its own wording on them.
const (
	CodeRequired           Code = "required"
	CodeAttachmentRequired Code = "attachment-required"
	CodeTooFewRows         Code = "too-few-rows"
	CodeTooManyRows        Code = "too-many-rows"
	CodeIDLength           Code = "id-length"
	CodeIDDigits           Code = "id-digits"
	CodeIDRegion           Code = "id-region"
	CodeIDSex              Code = "id-sex"
	CodeIDYear             Code = "id-year"
	CodePhone              Code = "phone"
	CodePhonePrefix        Code = "phone-prefix"
	CodeEmail              Code = "email"
	CodeDate               Code = "date"
	CodeDateImpossible     Code = "date-impossible"
	CodeDateYearOnly       Code = "date-year-only"
	CodeDateFuture         Code = "date-future"
	CodeDatePast           Code = "date-past"
	CodeDateOrder          Code = "date-order"
	CodeChoice             Code = "choice"
	CodeNumber             Code = "number"
	CodeNumberRange        Code = "number-range"
	CodeTooLong            Code = "too-long"
	CodeBool               Code = "bool"
	CodeAttachmentHash     Code = "attachment-hash"
	CodeControlChars       Code = "control-chars"
	CodeTooYoung           Code = "too-young"
	CodePlate              Code = "plate"
	CodePlateArea          Code = "plate-area"
	CodeAddressChoice      Code = "address-choice"
)

var messages = map[Code]Message{
	CodeAddressChoice: {"Phường/xã cũ trên thẻ đã được chia cho nhiều đơn vị mới: hãy chọn đơn vị đúng (hoặc nhập địa chỉ).",
		"The old ward on the card was split between several new units: choose the right one (or type the address)."},
	CodeRequired:           {"Vui lòng nhập thông tin này.", "This field is required."},
	CodeAttachmentRequired: {"Cần nộp giấy tờ này.", "This document is required."},
	CodeTooFewRows:         {"Cần thêm người vào danh sách.", "More people are needed in this list."},
	CodeTooManyRows:        {"Danh sách có quá nhiều người.", "This list has too many people."},
	CodeIDLength:           {"Số định danh cá nhân phải gồm đúng 12 chữ số.", "The personal ID number must have exactly 12 digits."},
	CodeIDDigits:           {"Số định danh cá nhân chỉ gồm chữ số.", "The personal ID number may contain digits only."},
	CodeIDRegion:           {"Ba chữ số đầu của số định danh không phải mã tỉnh hoặc mã quốc gia.", "The first three digits of the ID number are not a province or country code."},
	CodeIDSex:              {"Chữ số thứ tư của số định danh không khớp với giới tính.", "The fourth digit of the ID number does not match the sex."},
	CodeIDYear:             {"Số định danh không khớp với năm sinh.", "The ID number does not match the year of birth."},
	CodePhone:              {"Số điện thoại phải có 10 chữ số (di động) hoặc 11 chữ số (cố định), bắt đầu bằng 0 hoặc +84.", "The phone number needs 10 digits (mobile) or 11 digits (landline), starting with 0 or +84."},
	CodePhonePrefix:        {"Đầu số điện thoại không tồn tại ở Việt Nam.", "No Vietnamese phone number starts like this."},
	CodeEmail:              {"Địa chỉ thư điện tử không hợp lệ.", "The email address is not valid."},
	CodeDate:               {"Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm.", "Not a valid date; use day/month/year."},
	CodeDateImpossible:     {"Ngày này không có trong lịch (tháng từ 1 đến 12; tháng 2 có 28 hoặc 29 ngày; tháng 4, 6, 9, 11 có 30 ngày).", "This day does not exist (months 1 to 12; February has 28 or 29 days; April, June, September, November have 30)."},
	CodeDateYearOnly:       {"Cần nhập đủ ngày, tháng, năm.", "A full date is needed, not just the year."},
	CodeDateFuture:         {"Ngày này không được sau ngày hôm nay.", "This date cannot be after today."},
	CodeDatePast:           {"Ngày này không được trước ngày hôm nay.", "This date cannot be before today."},
	CodeDateOrder:          {"Ngày này không được trước ngày bắt đầu của nó (ví dụ: “Đến ngày” trước “Từ ngày”, ngày mất trước ngày sinh).", "This date cannot be before the date it follows (e.g. “Until” before “From”, a death before the birth)."},
	CodeChoice:             {"Hãy chọn một giá trị trong danh sách.", "Choose one of the listed values."},
	CodeNumber:             {"Chỉ nhập chữ số.", "Digits only."},
	CodeNumberRange:        {"Giá trị nằm ngoài khoảng cho phép.", "The value is outside the allowed range."},
	CodeTooLong:            {"Nội dung quá dài.", "The text is too long."},
	CodeBool:               {"Hãy chọn Có hoặc Không.", "Choose yes or no."},
	CodeAttachmentHash:     {"Tệp đính kèm không hợp lệ.", "The attached file reference is not valid."},
	CodeControlChars:       {"Nội dung chứa ký tự không hợp lệ.", "The text contains characters that are not allowed."},
	CodeTooYoung:           {"Người này chưa đủ tuổi theo quy định của thủ tục.", "This person is below the minimum age for this procedure."},
	CodePlate:              {"Biển số xe không đúng dạng, ví dụ 30A-123.45 hoặc 29B1-123.45.", "Not a vehicle plate; write it like 30A-123.45 or 29B1-123.45."},
	CodePlateArea:          {"Hai chữ số đầu của biển số không phải ký hiệu địa phương.", "The first two digits of the plate are not a local code."},
}

// MessageFor returns the vi/en message of a code.
func MessageFor(c Code) Message { return messages[c] }

// Invalid is a validation failure of one value. Its text is the code's
// message: it never quotes the value, which may be personal data.
type Invalid struct {
	Code    Code
	Message Message
	// Limit is the bound that was crossed (maximum length, row count,
	// number range) when there is one; the UI may show it.
	Limit string
}

func (e *Invalid) Error() string {
	if e.Limit != "" {
		return fmt.Sprintf("form: %s (%s)", e.Message.EN, e.Limit)
	}
	return "form: " + e.Message.EN
}

// Is matches any *Invalid with the same code.
func (e *Invalid) Is(target error) bool {
	t, ok := target.(*Invalid)
	return ok && t.Code == e.Code
}

func invalid(c Code) *Invalid { return &Invalid{Code: c, Message: messages[c]} }

func invalidLimit(c Code, format string, args ...any) *Invalid {
	e := invalid(c)
	e.Limit = fmt.Sprintf(format, args...)
	return e
}

// Problem is one finding about one field (or attachment) of a form.
type Problem struct {
	Path    string  `json:"path"` // field path, or "attachments.KEY"
	Code    Code    `json:"code"`
	Message Message `json:"message"`
	Limit   string  `json:"limit,omitempty"`
}

func problem(path string, e *Invalid) Problem {
	return Problem{Path: path, Code: e.Code, Message: e.Message, Limit: e.Limit}
}
