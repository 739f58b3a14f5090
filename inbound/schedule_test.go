package inbound_test

import (
	"testing"

	"inboxdesk/inbound"
)

func TestValidSchedule(t *testing.T) {
	for spec, ok := range map[string]bool{
		"@every 1m":   true,
		"@every 3s":   true,
		"@hourly":     true,
		"*/5 * * * *": true,
		// cron runs these every second: a typo must not hammer the mail server.
		"@every 0s":   false,
		"@every -5s":  false,
		"@every 1ms":  false,
		"@every soon": false,
		"* * * * * *": false,
	} {
		if err := inbound.ValidSchedule(spec); (err == nil) != ok {
			t.Errorf("ValidSchedule(%q) = %v, want ok %v", spec, err, ok)
		}
	}
}
