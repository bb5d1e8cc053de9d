// Package vntime is Vietnam's civil time, in one place: the zone dossier
// codes, receipts, appointment dates and "today" are in, and the working-day
// count of processing times. The binaries import time/tzdata so the zone
// database is always there; the fixed UTC+7 fallback is exact anyway, since
// Vietnam has had no daylight saving since 1975.
package vntime
