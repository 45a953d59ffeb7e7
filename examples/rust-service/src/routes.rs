//! The service's endpoints.
//!
//! | Path       | GET / HEAD                                   | other methods |
//! |------------|----------------------------------------------|---------------|
//! | `/`        | 200, Cloud Run metadata and the process ids  | 405           |
//! | `/healthz` | 200, `{"status":"ok"}`                       | 405           |
//! | anything   | 404                                          | 404           |

use crate::http::{Request, Response};
use crate::json::Json;
use crate::proc_status::{read_process_ids, ProcessIds};

/// The methods every known path allows.
pub const ALLOW: &str = "GET, HEAD";

/// What the handlers need from the environment.
#[derive(Debug, Clone)]
pub struct App {
    /// `K_SERVICE`: the Cloud Run service name.
    pub service: Option<String>,
    /// `K_REVISION`: the revision serving the request.
    pub revision: Option<String>,
    /// `K_CONFIGURATION`: the configuration that created the revision.
    pub configuration: Option<String>,
    /// Reads the process's user and group ids (on every `GET /`).
    pub process_ids: fn() -> Result<ProcessIds, String>,
}

impl App {
    /// The Cloud Run metadata from `K_SERVICE`, `K_REVISION` and `K_CONFIGURATION`
    /// (a value that is not valid UTF-8 is converted lossily), with the ids read from
    /// `/proc/self/status`.
    pub fn from_env() -> App {
        let var = |name: &str| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned());
        App {
            service: var("K_SERVICE"),
            revision: var("K_REVISION"),
            configuration: var("K_CONFIGURATION"),
            process_ids: read_process_ids,
        }
    }

    /// The body of `GET /`.
    pub fn info(&self, ids: &ProcessIds) -> Json {
        Json::object([
            ("service", Json::opt_str(self.service.as_deref())),
            ("revision", Json::opt_str(self.revision.as_deref())),
            (
                "configuration",
                Json::opt_str(self.configuration.as_deref()),
            ),
            ("uid", Json::Num(ids.uid.real.into())),
            ("gid", Json::Num(ids.gid.real.into())),
            ("euid", Json::Num(ids.uid.effective.into())),
            ("egid", Json::Num(ids.gid.effective.into())),
        ])
    }
}

/// The response to a parsed request. For `HEAD`, the caller sends only the head.
pub fn route(request: &Request, app: &App) -> Response {
    let handler: fn(&App) -> Response = match request.path.as_str() {
        "/" => root,
        "/healthz" => healthz,
        _ => return Response::error(404, "not found", None),
    };
    match request.method.as_str() {
        "GET" | "HEAD" => handler(app),
        _ => Response::error(405, "method not allowed", None).with_header("Allow", ALLOW),
    }
}

fn root(app: &App) -> Response {
    match (app.process_ids)() {
        Ok(ids) => Response::json(200, &app.info(&ids)),
        Err(detail) => Response::error(500, "cannot read the process ids", Some(&detail)),
    }
}

fn healthz(_: &App) -> Response {
    Response::json(200, &Json::object([("status", Json::str("ok"))]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::parse_request_head;
    use crate::proc_status::IdSet;

    fn fixed_ids() -> Result<ProcessIds, String> {
        let set = |n| IdSet {
            real: n,
            effective: n + 1,
            saved: n + 2,
            filesystem: n + 3,
        };
        Ok(ProcessIds {
            uid: set(65532),
            gid: set(100),
        })
    }

    fn app() -> App {
        App {
            service: Some("api".into()),
            revision: Some("api-00001-abc \"x\"".into()),
            configuration: None,
            process_ids: fixed_ids,
        }
    }

    fn request(method: &str, target: &str) -> Request {
        parse_request_head(format!("{method} {target} HTTP/1.1\r\nHost: h\r\n\r\n").as_bytes())
            .unwrap()
    }

    #[test]
    fn root_reports_metadata_and_real_and_effective_ids() {
        let resp = route(&request("GET", "/"), &app());
        assert_eq!(resp.status, 200);
        assert_eq!(
            resp.body,
            "{\"service\":\"api\",\"revision\":\"api-00001-abc \\\"x\\\"\",\"configuration\":null,\
             \"uid\":65532,\"gid\":100,\"euid\":65533,\"egid\":101}\n"
        );
        assert!(resp.headers.is_empty());
    }

    #[test]
    fn root_without_cloud_run_variables_reports_nulls() {
        let app = App {
            service: None,
            revision: None,
            configuration: None,
            process_ids: fixed_ids,
        };
        let resp = route(&request("GET", "/?verbose"), &app);
        assert!(resp
            .body
            .starts_with("{\"service\":null,\"revision\":null,\"configuration\":null,"));
    }

    #[test]
    fn root_fails_with_500_when_ids_cannot_be_read() {
        let app = App {
            process_ids: || Err("cannot read /proc/self/status: gone".into()),
            ..app()
        };
        let resp = route(&request("GET", "/"), &app);
        assert_eq!(resp.status, 500);
        assert_eq!(
            resp.body,
            "{\"error\":\"cannot read the process ids\",\"detail\":\"cannot read /proc/self/status: gone\"}\n"
        );
    }

    #[test]
    fn healthz_answers_ok_with_or_without_query() {
        for target in ["/healthz", "/healthz?probe=startup"] {
            let resp = route(&request("GET", target), &app());
            assert_eq!(
                (resp.status, resp.body.as_str()),
                (200, "{\"status\":\"ok\"}\n")
            );
        }
    }

    #[test]
    fn head_gets_the_same_response_as_get() {
        for target in ["/", "/healthz", "/missing"] {
            assert_eq!(
                route(&request("HEAD", target), &app()),
                route(&request("GET", target), &app())
            );
        }
    }

    #[test]
    fn unknown_paths_are_404_for_every_method() {
        for (method, target) in [
            ("GET", "/healthz/"),
            ("GET", "/HEALTHZ"),
            ("POST", "/nope"),
            ("OPTIONS", "*"),
        ] {
            let resp = route(&request(method, target), &app());
            assert_eq!(resp.status, 404, "{method} {target}");
            assert_eq!(resp.body, "{\"error\":\"not found\"}\n");
        }
    }

    #[test]
    fn other_methods_on_known_paths_are_405_with_allow() {
        for method in ["POST", "PUT", "DELETE", "OPTIONS", "get"] {
            for target in ["/", "/healthz"] {
                let resp = route(&request(method, target), &app());
                assert_eq!(resp.status, 405, "{method} {target}");
                assert_eq!(resp.headers, vec![("Allow", ALLOW.to_string())]);
            }
        }
    }
}
