-- +goose Up
-- Live updates: every ticket change records an event and every delivery
-- changes an alert; both announce the ticket on one channel. PostgreSQL sends
-- notifications at commit and folds duplicates within a transaction.
-- +goose StatementBegin
CREATE FUNCTION inboxdesk_notify_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('inboxdesk_ticket_changed', NEW.ticket_id::text);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER events_notify AFTER INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION inboxdesk_notify_ticket();
CREATE TRIGGER alerts_notify AFTER INSERT OR UPDATE OF state ON alerts
    FOR EACH ROW EXECUTE FUNCTION inboxdesk_notify_ticket();

-- +goose Down
DROP TRIGGER alerts_notify ON alerts;
DROP TRIGGER events_notify ON events;
DROP FUNCTION inboxdesk_notify_ticket();
