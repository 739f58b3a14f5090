package ticket

// LoopHeader marks mail sent by inboxdesk; its value is the configured
// domain. The composer puts it on every mail we send and the parser treats
// inbound mail carrying it as auto-submitted, so that we never answer our
// own mail (DESIGN.md, promise 4).
const LoopHeader = "X-Inboxdesk-Loop"
