package faults_test

import (
	"testing"

	"inboxdesk/testenv/pgtest"
)

func pgtestURL(t *testing.T) string { return pgtest.NewURL(t) }
