//! Structured payloads carried by payload commands (XML documents, MIME messages, MSNObjects, P2P).
