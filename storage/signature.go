package storage

import (
	"context"
	"fmt"
	"github.com/jackc/pgx/v5"
	"inboxdesk/ticket"
	"strings"
)

// maxSignature bounds an agent's signature.
const maxSignature = 1000

func signed(ctx context.Context, tx pgx.Tx, agentID int64, text string) (string, error) {
	if agentID == 0 {
		return text, nil
	}
	var sig string
	if err := tx.QueryRow(ctx, `SELECT signature FROM agents WHERE id = $1`, agentID).Scan(&sig); err != nil {
		return "", fmt.Errorf("signature: %w", err)
	}
	return ticket.Signed(text, sig), nil
}

// SetSignature stores the agent's signature ("" for none); one longer than
// 1,000 characters gives an error wrapping ErrBadSignature.
func (s *Store) SetSignature(ctx context.Context, agentID int64, signature string) error {
	signature = strings.TrimSpace(cleanText(signature))
	if len([]rune(signature)) > maxSignature {
		return fmt.Errorf("%w: longer than %d characters", ticket.ErrBadSignature, maxSignature)
	}
	if _, err := s.pool.Exec(ctx, `UPDATE agents SET signature = $2 WHERE id = $1`, agentID, signature); err != nil {
		return fmt.Errorf("set signature: %w", err)
	}
	return nil
}

// Signature returns the agent's signature ("" for none).
func (s *Store) Signature(ctx context.Context, agentID int64) (string, error) {
	var sig string
	if err := s.pool.QueryRow(ctx, `SELECT coalesce((SELECT signature FROM agents WHERE id = $1), '')`, agentID).Scan(&sig); err != nil {
		return "", fmt.Errorf("signature: %w", err)
	}
	return sig, nil
}
