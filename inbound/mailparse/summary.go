package mailparse

import "inboxdesk/ticket"

// Summary returns the sender and decoded subject of a mail from its raw
// start (the header, possibly cut short), for listing mail that could not
// be ingested. What cannot be read is left empty.
func Summary(head []byte) (from ticket.Address, subject string) {
	blk, err := splitHeader(head, DefaultLimits().MaxHeaderBytes)
	if err != nil {
		return ticket.Address{}, ""
	}
	hint := envelopeCharset(blk.header)
	if l := addressList(blk.header, "From", hint); len(l) > 0 {
		from = cleanAddress(l[0])
	}
	return from, cleanString(decodeText(blk.header.Get("Subject"), hint))
}
