package portal

import "strconv"

// Status is a DVCQG dossier status code (TrangThaiHoSo, 1–10), the
// vocabulary provincial one-door systems map their own states to.
type Status int

// DVCQG status codes (docs/reference/procedures.md §4.4).
const (
	StatusSubmitted   Status = 1  // Mới đăng ký
	StatusAccepted    Status = 2  // Được tiếp nhận
	StatusRefused     Status = 3  // Không được tiếp nhận
	StatusProcessing  Status = 4  // Đang xử lý
	StatusSupplement  Status = 5  // Yêu cầu bổ sung giấy tờ
	StatusFeesDue     Status = 6  // Yêu cầu thực hiện nghĩa vụ tài chính
	StatusWithdrawing Status = 7  // Công dân yêu cầu rút hồ sơ
	StatusStopped     Status = 8  // Dừng xử lý
	StatusResultReady Status = 9  // Đã xử lý xong
	StatusDelivered   Status = 10 // Đã trả kết quả
)

var statusNames = [...]struct{ vi, en string }{
	{},
	{"Mới đăng ký", "submitted"},
	{"Được tiếp nhận", "accepted"},
	{"Không được tiếp nhận", "refused at reception"},
	{"Đang xử lý", "processing"},
	{"Yêu cầu bổ sung giấy tờ", "supplement requested"},
	{"Yêu cầu thực hiện nghĩa vụ tài chính", "fees due"},
	{"Công dân yêu cầu rút hồ sơ", "withdrawal requested"},
	{"Dừng xử lý", "stopped"},
	{"Đã xử lý xong", "result ready"},
	{"Đã trả kết quả", "result delivered"},
}

// Valid reports whether s is one of the ten codes.
func (s Status) Valid() bool { return s >= StatusSubmitted && s <= StatusDelivered }

// Vietnamese is the status as DVCQG names it.
func (s Status) Vietnamese() string {
	if !s.Valid() {
		return "Trạng thái " + strconv.Itoa(int(s))
	}
	return statusNames[s].vi
}

// String is a short English name.
func (s Status) String() string {
	if !s.Valid() {
		return "status " + strconv.Itoa(int(s))
	}
	return statusNames[s].en
}

// Final reports whether no further change is expected, so the kiosk stops
// polling: refused, stopped, or result delivered.
func (s Status) Final() bool {
	return s == StatusRefused || s == StatusStopped || s == StatusDelivered
}
