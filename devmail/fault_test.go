package devmail

import (
	"testing"

	"github.com/emersion/go-smtp"
)

// TestFaultsThenSuccess checks that each kind of injected failure hits the
// next two sends, with the reply code a client would see (-1: no reply, a
// network error), captures nothing, and then lets mail through again.
func TestFaultsThenSuccess(t *testing.T) {
	failNext := func(stage Stage, code int, enhanced smtp.EnhancedCode) func(*SMTP) {
		return func(s *SMTP) {
			s.FailNext(stage, 2, &smtp.SMTPError{Code: code, EnhancedCode: enhanced, Message: "injected"})
		}
	}
	tests := []struct {
		name     string
		inject   func(*SMTP)
		wantCode int
	}{
		{"mail", failNext(StageMail, 421, smtp.EnhancedCode{4, 4, 5}), 421},
		{"rcpt", failNext(StageRcpt, 550, smtp.EnhancedCode{5, 1, 1}), 550},
		{"data", failNext(StageData, 451, smtp.EnhancedCode{4, 3, 0}), 451},
		{"drop", func(s *SMTP) { s.DropNext(2) }, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startTestSMTP(t, SMTPOptions{})
			tt.inject(s)
			msg := testMessage("noreply@example.org", "h@example.com", "retry")
			for try := 1; try <= 3; try++ {
				want := tt.wantCode
				if try == 3 {
					want = 0
				}
				err := send(s.Addr(), "noreply@example.org", []string{"h@example.com"}, msg)
				if code := replyCode(err); code != want {
					t.Fatalf("try %d: %v (code %d), want code %d", try, err, code, want)
				}
			}
			assertCaptured(t, s, 1)
		})
	}
}

func TestResetClearsPendingFaults(t *testing.T) {
	s := startTestSMTP(t, SMTPOptions{})
	s.FailNext(StageData, 1, &smtp.SMTPError{Code: 554, Message: "No"})
	s.DropNext(1)
	s.Reset()
	if err := send(s.Addr(), "noreply@example.org", []string{"j@example.com"}, testMessage("noreply@example.org", "j@example.com", "x")); err != nil {
		t.Fatalf("send after Reset: %v", err)
	}
}
