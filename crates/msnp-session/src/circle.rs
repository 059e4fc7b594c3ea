//! MSNP18 circles: the routed `NFY` documents that name a circle's members. A member joins
//! with `NFY PUT` from `9:circle@live.com`, `Uri: /circle` and
//! `<circle><roster><id>IM</id><user><id>1:bob@hotmail.com</id></user>…</roster></circle>`,
//! and leaves with `NFY DEL`, `Uri: /circle/roster(IM)/user(1:bob@hotmail.com)` and no body
//! (MSNPSharp's research notes, Escargot). Members' presence arrives as
//! `NLN … 1:bob@hotmail.com;via=9:circle@live.com`, applied by the session.

use msnp_proto::NetworkId;
use msnp_proto::payload::routed::RoutedMessage;
use msnp_proto::payload::xml::XmlLimits;

/// What a circle `NFY` says.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct CircleUpdate {
    /// The circle's address (`guid@live.com`), as sent.
    pub circle: String,
    /// Members named by a `PUT` (`nid:handle`).
    pub joined: Vec<String>,
    /// Members removed by a `DEL`.
    pub left: Vec<String>,
}

/// The most members one `NFY PUT` may name (the server sends one or a few at a time).
const MAX_MEMBERS: usize = 1024;

/// Reads an `NFY PUT`/`DEL` payload as a circle roster update; `None` when it is not one
/// (another `Uri`, not from a circle, or malformed), so the caller reports it as it came.
pub(crate) fn read_nfy(
    operation: &str,
    payload: &[u8],
    limits: &XmlLimits,
) -> Option<CircleUpdate> {
    let msg = RoutedMessage::parse(payload).ok()?;
    let from = msg.from()?;
    if from.network != NetworkId::CIRCLE.0 {
        return None;
    }
    let uri = msg.message.as_ref()?.get("Uri")?.trim().to_owned();
    let mut update = CircleUpdate {
        circle: from.handle,
        joined: Vec::new(),
        left: Vec::new(),
    };
    match operation {
        "PUT" if uri == "/circle" => {
            let root = msg.body_xml(limits)?.ok()?;
            if root.name != "circle" {
                return None;
            }
            let users = root
                .children
                .iter()
                .filter(|r| r.name == "roster")
                .flat_map(|r| r.children.iter().filter(|u| u.name == "user"));
            for u in users.take(MAX_MEMBERS) {
                if let Some(id) = u
                    .child("id")
                    .map(|i| i.text.trim())
                    .filter(|i| !i.is_empty())
                {
                    update.joined.push(id.to_owned());
                }
            }
        }
        "DEL" => {
            let member = uri
                .strip_prefix("/circle/roster(IM)/user(")?
                .strip_suffix(')')?
                .trim();
            if member.is_empty() {
                return None;
            }
            update.left.push(member.to_owned());
        }
        _ => return None,
    }
    Some(update)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nfy(from: &str, uri: &str, body: &str) -> Vec<u8> {
        format!(
            "Routing: 1.0\r\nTo: 1:alice@hotmail.com\r\nFrom: {from}\r\n\r\nReliability: 1.0\r\n\r\n\
             Notification: 1.0\r\nNotifNum: 0\r\nUri: {uri}\r\nNotifType: Partial\r\n\
             Content-Type: application/circles+xml\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    }

    const C: &str = "9:00000000-0000-0000-0009-73944a8f7947@live.com";

    #[test]
    fn put_names_members_del_removes_one() {
        let body = "<circle><roster><id>IM</id><user><id>1:bob@hotmail.com</id></user>\
                    <user><id>1:carol@live.com</id></user></roster></circle>";
        let u = read_nfy("PUT", &nfy(C, "/circle", body), &XmlLimits::default()).unwrap();
        assert_eq!(u.circle, "00000000-0000-0000-0009-73944a8f7947@live.com");
        assert_eq!(u.joined, ["1:bob@hotmail.com", "1:carol@live.com"]);
        assert!(u.left.is_empty());
        let d = nfy(C, "/circle/roster(IM)/user(1:bob@hotmail.com)", "");
        let u = read_nfy("DEL", &d, &XmlLimits::default()).unwrap();
        assert_eq!(u.left, ["1:bob@hotmail.com"]);
        assert!(u.joined.is_empty());
    }

    #[test]
    fn other_documents_are_not_circle_updates() {
        let l = XmlLimits::default();
        // A user document from a contact, a circle with another URI, an empty DEL path.
        assert!(read_nfy("PUT", &nfy("1:bob@hotmail.com", "/circle", "<circle/>"), &l).is_none());
        assert!(read_nfy("PUT", &nfy(C, "/user", "<user/>"), &l).is_none());
        assert!(read_nfy("DEL", &nfy(C, "/circle/roster(IM)/user()", ""), &l).is_none());
        assert!(read_nfy("PUT", &nfy(C, "/circle", "<circle><roster>"), &l).is_none());
        assert!(read_nfy("PUT", b"garbage", &l).is_none());
    }
}
