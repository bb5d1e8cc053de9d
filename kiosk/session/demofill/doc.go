// Package demofill fills a form with plausible typed values, as a citizen
// would: for tests and for the screenshots the kiosk renders of itself.
package demofill
