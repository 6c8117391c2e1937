//! A small macro for the closed vocabularies of the model (maturity, measure kind, …).
//!
//! Each vocabulary has a stable snake_case code used in files, JSON and the database, and a
//! Japanese and English label for people. The code is the contract; labels may be reworded. The
//! API's document lists the codes (`schemars::JsonSchema`: a string, one of the codes).

/// Declares a closed vocabulary: the enum, its codes, labels, `FromStr`, serde by code and the
/// JSON Schema of its codes.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $variant:ident => $code:literal, $ja:literal, $en:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $variant, )+
        }

        impl $name {
            /// Every value, in the model's order.
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )+ ];
            /// What this vocabulary is called in error messages.
            pub const WHAT: &'static str = $what;

            /// The stable code used in files, JSON and the database.
            pub fn code(self) -> &'static str {
                match self { $( $name::$variant => $code, )+ }
            }

            /// The label a person reads, in the given language.
            pub fn label(self, lang: $crate::text::Lang) -> &'static str {
                match (self, lang) {
                    $( ($name::$variant, $crate::text::Lang::Ja) => $ja,
                       ($name::$variant, $crate::text::Lang::En) => $en, )+
                }
            }

            /// All codes joined for an error message: `a, b, c`.
            pub fn codes() -> String {
                [$( $code ),+].join(", ")
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $( $code => Ok($name::$variant), )+
                    other => Err(format!(
                        "unknown {} `{}` (expected one of: {})",
                        $what, other, $name::codes()
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        /// The JSON Schema of the codes, written where the vocabulary is used.
        impl schemars::JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "enum": [$( $code ),+] })
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use vocabulary;
