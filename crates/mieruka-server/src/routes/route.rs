//! One API route: its method, path and handler together with what the OpenAPI document says
//! about it. The router and the document are both built from the same list of `Route`s, so a
//! route cannot be served undocumented or documented without being served; the query
//! parameters a route accepts are the ones its document lists.

use axum::extract::Request;
use axum::handler::Handler;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::IntoResponse;
use axum::routing::{MethodFilter, MethodRouter, on};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::AppState;
use crate::params::{check_params_text, check_query_names};

/// Who may call a route, as the document says it.
pub mod who {
    pub const ANYONE: &str = "Anyone, without signing in.";
    pub const SIGNED_IN: &str = "Any signed-in user.";
    pub const SESSION: &str =
        "The signed-in user, with a session cookie (an API token cannot do this).";
    pub const MEMBER: &str = "Members of the organisation (any role) and administrators.";
    pub const OWNER: &str = "The organisation's owners and administrators.";
    pub const MEASURE: &str =
        "Owners and administrators, and contributors for their unit and the units under it.";
    pub const AUDIT: &str = "The organisation's auditors and owners, and administrators.";
    pub const ADMIN: &str = "Administrators.";
}

/// What values a query parameter takes, as its handler reads it: the document declares exactly
/// these, so a value the document allows is one the server parses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// `YYYY-MM-DD`.
    Date,
    Boolean,
    /// A whole number from `min` to `max`.
    Integer {
        min: i64,
        max: u64,
    },
    /// One of these words.
    OneOf(&'static [&'static str]),
}

impl Kind {
    /// The JSON Schema of the value.
    pub fn schema(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Kind::Text => json!({ "type": "string" }),
            Kind::Date => json!({ "type": "string", "format": "date" }),
            Kind::Boolean => json!({ "type": "boolean" }),
            Kind::Integer { min, max } => {
                json!({ "type": "integer", "minimum": min, "maximum": max })
            }
            Kind::OneOf(words) => json!({ "type": "string", "enum": words }),
        }
    }
}

/// A query parameter as documented (and accepted).
#[derive(Debug, Clone, Copy)]
pub struct Param {
    pub name: &'static str,
    pub kind: Kind,
    pub description: &'static str,
    /// A value the parameter accepts, shown in the document.
    pub example: &'static str,
}

pub const LIMIT: Param = Param {
    name: "limit",
    kind: Kind::Integer { min: 1, max: 1000 },
    description: "Items per page, 1–1000 (default 100).",
    example: "50",
};
pub const OFFSET: Param = Param {
    name: "offset",
    kind: Kind::Integer {
        min: 0,
        max: usize::MAX as u64,
    },
    description: "Items to skip (default 0).",
    example: "0",
};
/// `?limit=&offset=` alone.
pub const PAGE: &[Param] = &[LIMIT, OFFSET];

/// What a successful answer holds.
#[derive(Debug, Clone, Copy)]
pub enum Answer {
    /// A JSON object of a type the handler answers with (`Json<T>`): its schema is derived from
    /// the type as serde writes it ([`Answer::of`]).
    Typed {
        schema: fn(&mut SchemaGenerator) -> Schema,
        /// Reads a value as the type and writes it again (for the examples' test); none for an
        /// answer shown without an example ([`Answer::without_example`]).
        #[cfg_attr(not(test), allow(dead_code))]
        round_trip: Option<fn(Value) -> Result<Value, String>>,
    },
    /// A page of items of a type (`{items, total, limit, offset}`), each as serde writes it
    /// ([`Answer::list`]).
    TypedList {
        item: fn(&mut SchemaGenerator) -> Schema,
        /// What the page holds besides the list ([`Answer::list_with`]).
        beside: Option<fn(&mut SchemaGenerator) -> Schema>,
    },
    /// A JSON object described by a component schema written by hand.
    Object(&'static str),
    /// An SVG image.
    Svg,
    /// A file to download: PDF, HTML or an Excel workbook, as the `format` parameter asks.
    Download,
}

/// What a route takes as its body.
#[derive(Debug, Clone)]
pub enum BodyDoc {
    /// JSON read into a type (`body::Body<T>`): the document's schema is derived from the type,
    /// and the example shown is one the type reads.
    Json {
        /// The schema of the type, as a reference to its component when it has one.
        schema: fn(&mut SchemaGenerator) -> Schema,
        /// Reads a value as the handler does (the same checks, the same type; for the examples'
        /// test).
        #[cfg_attr(not(test), allow(dead_code))]
        read: fn(Value) -> Result<(), crate::error::ApiError>,
        /// A body the route accepts, shown in the document.
        example: Option<Value>,
    },
    /// A file sent as it is (`application/octet-stream`), whatever its format.
    File,
}

fn schema_of<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<T>()
}

fn round_trip<T: Serialize + DeserializeOwned>(v: Value) -> Result<Value, String> {
    let read: T = serde_json::from_value(v).map_err(|e| e.to_string())?;
    serde_json::to_value(read).map_err(|e| e.to_string())
}

fn read_as<T: DeserializeOwned + JsonSchema>(v: Value) -> Result<(), crate::error::ApiError> {
    crate::body::from_value::<T>(v).map(|_| ())
}

impl Answer {
    /// The answer is a `T`, as serde writes it.
    pub fn of<T: JsonSchema + Serialize + DeserializeOwned>() -> Answer {
        Answer::Typed {
            schema: schema_of::<T>,
            round_trip: Some(round_trip::<T>),
        }
    }

    /// The answer is a `T`, as serde writes it, too large for an example written by hand: the
    /// real answers of its route on the demo are checked against its schema instead
    /// (`tests/answers.rs`, over [`crate::answers_without_example`]).
    pub fn without_example<T: JsonSchema + Serialize>() -> Answer {
        Answer::Typed {
            schema: schema_of::<T>,
            round_trip: None,
        }
    }

    /// The answer is a page of `T`s, as [`super::Page::of`] writes it.
    pub fn list<T: JsonSchema + Serialize>() -> Answer {
        Answer::TypedList {
            item: schema_of::<T>,
            beside: None,
        }
    }

    /// A page of `T`s with the keys of a `B` beside the list (the risk register's page carries
    /// the money bands and the cyber risk).
    pub fn list_with<T: JsonSchema + Serialize, B: JsonSchema + Serialize>() -> Answer {
        Answer::TypedList {
            item: schema_of::<T>,
            beside: Some(schema_of::<B>),
        }
    }
}

/// A route and its documentation.
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub summary: &'static str,
    pub tag: &'static str,
    pub who: &'static str,
    pub query: &'static [Param],
    /// The request body, if the route takes one.
    pub body: Option<BodyDoc>,
    pub status: StatusCode,
    pub answer: Answer,
    /// The route runs a simulation: it may answer 429 with `Retry-After` when as many as the
    /// server allows are running.
    pub busy: bool,
    /// A PUT that answers 201 when it added what it names and `status` when it replaced it.
    pub may_create: bool,
    handler: MethodRouter<AppState>,
}

impl Route {
    fn new<H, T>(method: Method, path: &'static str, handler: H) -> Route
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).expect("a standard method");
        Route {
            method,
            path,
            summary: "",
            tag: "",
            who: who::MEMBER,
            query: &[],
            body: None,
            status: StatusCode::OK,
            answer: Answer::Object("Object"),
            busy: false,
            may_create: false,
            handler: on(filter, handler),
        }
    }

    pub fn get<H: Handler<T, AppState>, T: 'static>(path: &'static str, h: H) -> Route {
        Route::new(Method::GET, path, h)
    }
    pub fn post<H: Handler<T, AppState>, T: 'static>(path: &'static str, h: H) -> Route {
        Route::new(Method::POST, path, h)
    }
    pub fn put<H: Handler<T, AppState>, T: 'static>(path: &'static str, h: H) -> Route {
        Route::new(Method::PUT, path, h)
    }
    pub fn patch<H: Handler<T, AppState>, T: 'static>(path: &'static str, h: H) -> Route {
        Route::new(Method::PATCH, path, h)
    }
    pub fn delete<H: Handler<T, AppState>, T: 'static>(path: &'static str, h: H) -> Route {
        Route::new(Method::DELETE, path, h)
    }

    /// One line on what the route does, and the tag it is listed under.
    pub fn doc(mut self, tag: &'static str, summary: &'static str) -> Route {
        self.tag = tag;
        self.summary = summary;
        self
    }
    pub fn who(mut self, who: &'static str) -> Route {
        self.who = who;
        self
    }
    pub fn query(mut self, params: &'static [Param]) -> Route {
        self.query = params;
        self
    }
    /// Takes a JSON body read into `T` (`body::Body<T>`).
    pub fn body<T: DeserializeOwned + JsonSchema>(mut self) -> Route {
        self.body = Some(BodyDoc::Json {
            schema: schema_of::<T>,
            read: read_as::<T>,
            example: None,
        });
        self
    }
    /// A body the route accepts, shown in the document (after [`Route::body`]).
    pub fn example(mut self, value: Value) -> Route {
        match &mut self.body {
            Some(BodyDoc::Json { example, .. }) => *example = Some(value),
            _ => panic!(
                "{} {}: an example of a JSON body it does not take",
                self.method, self.path
            ),
        }
        self
    }
    /// Takes a file as the body, as it is.
    pub fn file(mut self) -> Route {
        self.body = Some(BodyDoc::File);
        self
    }
    /// Answers 201 Created.
    pub fn created(mut self) -> Route {
        self.status = StatusCode::CREATED;
        self
    }
    pub fn answers(mut self, answer: Answer) -> Route {
        self.answer = answer;
        self
    }
    /// Answers 201 when it adds, its own status when it replaces (see [`Route::may_create`]).
    pub fn or_created(mut self) -> Route {
        self.may_create = true;
        self
    }
    /// The route runs a simulation (see [`Route::busy`]).
    pub fn simulates(mut self) -> Route {
        self.busy = true;
        self
    }

    pub fn is_public(&self) -> bool {
        self.who == who::ANYONE
    }

    /// The handler, refusing query parameters the route does not document and parameters holding
    /// control characters.
    pub fn into_method_router(self) -> MethodRouter<AppState> {
        let params = self.query;
        self.handler.route_layer(axum::middleware::from_fn(
            move |mut req: Request, next: Next| async move {
                let allowed: Vec<&str> = params.iter().map(|p| p.name).collect();
                if let Err(e) = check_query_names(req.uri().query(), &allowed) {
                    return e.into_response();
                }
                match check_params_text(&mut req).await {
                    Ok(()) => next.run(req).await,
                    Err(e) => e.into_response(),
                }
            },
        ))
    }
}
