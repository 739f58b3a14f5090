package mailparse

import (
	"testing"

	"inboxdesk/ticket"
)

func TestAutoSubmitted(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
		want    string
	}{
		{"human", nil, ""},
		{"out of office", []string{"Auto-Submitted: auto-replied"}, "auto-submitted: auto-replied"},
		{"auto-generated with comment", []string{"Auto-Submitted: auto-generated (notification)"}, "auto-submitted: auto-generated"},
		{"auto-submitted no", []string{"Auto-Submitted: no"}, ""},
		{"auto-submitted No", []string{"Auto-Submitted: No"}, ""},
		{"precedence bulk", []string{"Precedence: bulk"}, "precedence: bulk"},
		{"precedence junk", []string{"Precedence: Junk"}, "precedence: junk"},
		{"precedence list", []string{"Precedence: list"}, "precedence: list"},
		{"precedence first-class", []string{"Precedence: first-class"}, ""},
		{"x-autoreply", []string{"X-Autoreply: yes"}, "x-autoreply header"},
		{"x-autorespond", []string{"X-Autorespond: vacation"}, "x-autorespond header"},
		{"x-autoresponder", []string{"X-Autoresponder: 1"}, "x-autoresponder header"},
		{"empty return-path", []string{"Return-Path: <>"}, "empty return-path"},
		{"return-path with sender", []string{"Return-Path: <a@example.com>"}, ""},
		{"mailer-daemon", []string{"From: MAILER-DAEMON@mx.example.net"}, "sent by mailer-daemon"},
		{"postmaster", []string{"From: Postmaster <postmaster@example.net>"}, "sent by postmaster"},
		{"postmaster sender", []string{"Sender: postmaster@example.net"}, "sent by postmaster"},
		{"our loop header", []string{ticket.LoopHeader + ": 1"}, "our own loop header"},
		{"list-id", []string{"List-Id: <news.example.com>"}, "mailing list"},
		{"list-unsubscribe", []string{"List-Unsubscribe: <mailto:u@example.com>"}, "mailing list"},
		{"suppress alone is human", []string{"X-Auto-Response-Suppress: All"}, ""},
		{"read receipt", []string{"Content-Type: multipart/report; report-type=disposition-notification; boundary=b"}, "report: disposition-notification"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := append([]string{"Subject: x"}, tt.headers...)
			if !hasField(tt.headers, "From") {
				lines = append(lines, "From: Customer <customer@example.com>")
			}
			in := mustParse(t, rawMail(append(lines, "", "body")...))
			if in.AutoSubmitted != tt.want {
				t.Errorf("AutoSubmitted = %q, want %q", in.AutoSubmitted, tt.want)
			}
		})
	}
}

func hasField(lines []string, key string) bool {
	for _, l := range lines {
		if len(l) > len(key) && l[:len(key)+1] == key+":" {
			return true
		}
	}
	return false
}

func TestOutOfOfficeFixture(t *testing.T) {
	in := fixture(t, "out-of-office.eml")
	if in.AutoSubmitted != "auto-submitted: auto-replied" {
		t.Errorf("AutoSubmitted = %q", in.AutoSubmitted)
	}
	if len(in.InReplyTo) != 1 || in.InReplyTo[0] != "alert-78.1@inboxdesk.example.org" {
		t.Errorf("InReplyTo = %q, want our alert's id so the reply can be logged on its ticket", in.InReplyTo)
	}
}
