//! Generated XML documents shared by the XML reader tests: well-formed ones of the payload
//! kinds, sometimes cut or spliced.

#![allow(dead_code, unreachable_pub)]

use proptest::prelude::*;

/// A generated element: name, attributes, and children (elements or raw markup pieces).
#[derive(Debug, Clone)]
pub enum Gen {
    El(&'static str, Vec<(&'static str, &'static str)>, Vec<Self>),
    Raw(&'static str),
}

const NAMES: &[&str] = &[
    "Data",
    "PSM",
    "CurrentMedia",
    "MachineGuid",
    "DDP",
    "Scene",
    "ColorScheme",
    "msnobj",
    "EndpointData",
    "PrivateEndpointData",
    "Capabilities",
    "Idle",
    "ClientType",
    "EpName",
    "NOTIFICATION",
    "TO",
    "VIA",
    "MSG",
    "ACTION",
    "SUBSCR",
    "CAT",
    "BODY",
    "TEXT",
    "TEXTX",
    "x:y",
];
const KEYS: &[&str] = &[
    "id", "ver", "siteid", "siteurl", "pid", "name", "agent", "pri", "url", "lang", "icon", "a",
    "b", "c", "d", "e", "f", "g", "xmlns:x",
];
const VALUES: &[&str] = &[
    "1", "", " 7 ", "x&amp;y", "a&#10;b", "t\tu", "{G}", "0x1:0x2", "&lt;&gt;", "q&quot;",
];
const PIECES: &[&str] = &[
    "hi",
    " ",
    "a &amp; b",
    "&#233;",
    "<![CDATA[<c>&]]>",
    "<!-- c -->",
    "<?pi x?>",
    "l1\r\nl2",
    "\\0Music\\01\\0{0}\\0T\\0\\0",
    "1",
    "true",
    "-5",
    "&lt;msnobj/&gt;",
    "&lt;NotificationData&gt;&lt;CID&gt;1&lt;/CID&gt;&lt;/NotificationData&gt;",
];

pub fn element() -> impl Strategy<Value = Gen> {
    // Distinct keys (a repeated one is an error the hostile tests cover), some tags with more
    // than the eight a tag keeps positions for.
    let attrs = (
        prop_oneof![3 => 0..3usize, 1 => 3..11usize],
        proptest::collection::vec(proptest::sample::select(VALUES), 10),
    )
        .prop_flat_map(|(n, values)| {
            proptest::sample::subsequence(KEYS, n)
                .prop_map(move |keys| keys.into_iter().zip(values.clone()).collect::<Vec<_>>())
        });
    let leaf =
        (proptest::sample::select(NAMES), attrs.clone()).prop_map(|(n, a)| Gen::El(n, a, vec![]));
    leaf.prop_recursive(4, 40, 6, move |inner| {
        (
            proptest::sample::select(NAMES),
            attrs.clone(),
            proptest::collection::vec(
                prop_oneof![inner, proptest::sample::select(PIECES).prop_map(Gen::Raw)],
                0..6,
            ),
        )
            .prop_map(|(n, a, c)| Gen::El(n, a, c))
    })
}

pub fn write(g: &Gen, out: &mut String) {
    match g {
        Gen::Raw(r) => out.push_str(r),
        Gen::El(n, attrs, children) => {
            out.push('<');
            out.push_str(n);
            for (k, v) in attrs {
                out.push_str(&format!(" {k}=\"{v}\""));
            }
            if children.is_empty() {
                out.push_str("/>");
                return;
            }
            out.push('>');
            children.iter().for_each(|c| write(c, out));
            out.push_str(&format!("</{n}>"));
        }
    }
}

/// A document: a root of one of the typed kinds, maybe damaged.
pub fn document() -> impl Strategy<Value = String> {
    let root = (
        proptest::sample::select(&["Data", "NOTIFICATION", "EndpointData", "other"][..]),
        element(),
    );
    let damage = prop_oneof![
        3 => Just(None),
        1 => (any::<proptest::sample::Index>(), proptest::sample::select(&["", "<", "&", "\"", "</a>", "<b>", "&bogus;", "\u{0}"][..])).prop_map(Some),
    ];
    (root, damage, any::<bool>()).prop_map(|((name, g), damage, decl)| {
        let children = match g {
            Gen::El(_, _, c) => c,
            raw => vec![raw],
        };
        let mut s = String::new();
        if decl {
            s.push_str("<?xml version=\"1.0\"?>\n");
        }
        write(&Gen::El(name, vec![], children), &mut s);
        if let Some((at, splice)) = damage {
            let mut i = at.index(s.len() + 1);
            while !s.is_char_boundary(i) {
                i -= 1;
            }
            // Cut there, or insert the piece there.
            if splice.is_empty() {
                s.truncate(i);
            } else {
                s.insert_str(i, splice);
            }
        }
        s
    })
}
