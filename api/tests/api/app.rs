//! `TestApp`: the real router over a fresh database, driven in-process.
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use joan_api::auth::policy::AuthPolicy;
use joan_api::config::Secret;
use joan_api::crypto::Keyring;
use joan_api::http::state::AppState;
use joan_api::http::{HttpOptions, router};
use joan_api::uploads::Uploads;
use serde_json::Value;
use tower::ServiceExt;

use crate::backend::{Backend, TestDb};
use crate::support::open_core_at;

/// The key that seals API keys in every test app.
pub const TEST_ENCRYPTION_KEY: [u8; 32] = [0x5e; 32];

pub struct TestApp {
    pub router: joan_api::http::App,
    pub state: AppState,
    /// The app's own database, dropped with the last node that shares it.
    pub db: Arc<TestDb>,
}

/// What came back.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The problem+json `code`, for error replies.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or_default()
    }

    /// Fails unless this is a problem+json answer with `status` and `code`.
    #[track_caller]
    pub fn assert_problem(&self, status: StatusCode, code: &str) {
        assert_eq!((self.status, self.code()), (status, code), "{}", self.text);
        assert_eq!(self.header("content-type"), Some("application/problem+json"));
    }
}

/// What came back, as bytes.
#[derive(Debug)]
pub struct RawReply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
}

impl RawReply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A request under construction.
pub struct Call<'a> {
    app: &'a TestApp,
    request: axum::http::request::Builder,
    body: Body,
    peer: SocketAddr,
}

impl<'a> Call<'a> {
    pub fn token(mut self, token: &str) -> Self {
        self.request = self.request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.request = self.request.header(name, value);
        self
    }

    pub fn json(mut self, body: &Value) -> Self {
        self.request = self.request.header(header::CONTENT_TYPE, "application/json");
        self.body = Body::from(body.to_string());
        self
    }

    /// A raw body with the given content type.
    pub fn raw(mut self, content_type: &str, body: impl Into<Body>) -> Self {
        self.request = self.request.header(header::CONTENT_TYPE, content_type);
        self.body = body.into();
        self
    }

    /// The client address the server sees.
    pub fn peer(mut self, peer: &str) -> Self {
        self.peer = peer.parse().unwrap();
        self
    }

    /// Sends, keeping the body as bytes (downloads).
    pub async fn raw_bytes(self) -> RawReply {
        let mut request = self.request.body(self.body).unwrap();
        request.extensions_mut().insert(ConnectInfo(self.peer));
        let response = self.app.router.clone().oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        RawReply {
            status: parts.status,
            headers: parts.headers,
            bytes: body.collect().await.unwrap().to_bytes().to_vec(),
        }
    }

    /// Sends, handing back the response with its body unread (streams).
    pub async fn open(self) -> axum::response::Response {
        let mut request = self.request.body(self.body).unwrap();
        request.extensions_mut().insert(ConnectInfo(self.peer));
        self.app.router.clone().oneshot(request).await.unwrap()
    }

    pub async fn send(self) -> Reply {
        let mut request = self.request.body(self.body).unwrap();
        request.extensions_mut().insert(ConnectInfo(self.peer));
        let response = self.app.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            text,
        }
    }
}

impl TestApp {
    /// The app over a fresh database of `backend`; `None` when the backend is not reachable
    /// and the test should skip (see [`TestDb::create`]).
    pub async fn new(backend: Backend) -> Option<Self> {
        Self::with_policy(backend, AuthPolicy::default()).await
    }

    /// [`TestApp::new`] with other limits (shorter windows, smaller budgets).
    pub async fn with_policy(backend: Backend, policy: AuthPolicy) -> Option<Self> {
        let db = TestDb::create(backend).await?;
        Some(Self::over(Arc::new(db), policy, Uploads::default()).await)
    }

    /// [`TestApp::new`] keeping attachments in `uploads`.
    pub async fn with_uploads(backend: Backend, uploads: Uploads) -> Option<Self> {
        let db = TestDb::create(backend).await?;
        Some(Self::over(Arc::new(db), AuthPolicy::default(), uploads).await)
    }

    /// [`TestApp::new`] calling AI providers with `ai` (a fake server allowed, short waits):
    /// the same providers answer `/ai/query` and run workflow steps (in process).
    pub async fn with_ai(backend: Backend, ai: joan_api::ai::providers::AiSettings) -> Option<Self> {
        let db = Arc::new(TestDb::create(backend).await?);
        let keyring = Keyring::from_bytes(&TEST_ENCRYPTION_KEY);
        let providers = Arc::new(joan_api::ai::providers::Providers::new(ai, keyring.clone()).unwrap());
        let options = joan_api::ai::workflows::AiOptions {
            llm: providers.clone(),
            ..Default::default()
        };
        let core = joan_api::core::Core::open_with_ai(&db.location, joan_commands::StoreOptions::default(), options)
            .await
            .expect("open core");
        let secret = Secret::new("test-secret-not-for-production");
        let state = AppState::with_ai(
            core,
            &secret,
            keyring,
            AuthPolicy::default(),
            Uploads::default(),
            providers,
        );
        let router = router(state.clone(), &HttpOptions::default());
        Some(Self { router, state, db })
    }

    /// Another node over the same database, with the same token secret and limits (what a
    /// second `joan serve` beside this one is).
    pub async fn second_node(&self) -> Self {
        Self::over(self.db.clone(), self.state.policy, self.state.uploads.clone()).await
    }

    /// This app's database opened again by a new core running workflows through `ai`: what a
    /// restart of `joan serve` is (stop the old core first: `state.core.shut_down()`).
    pub async fn restarted_with_workflows(&self, ai: joan_api::ai::workflows::AiOptions) -> Self {
        let core = joan_api::core::Core::open_with_ai(&self.db.location, joan_commands::StoreOptions::default(), ai)
            .await
            .expect("open core");
        Self::around(core, self.db.clone(), AuthPolicy::default(), Uploads::default())
    }

    /// [`TestApp::new`] with AI workflows running through `ai` (a fake model).
    pub async fn with_workflows(backend: Backend, ai: joan_api::ai::workflows::AiOptions) -> Option<Self> {
        let db = Arc::new(TestDb::create(backend).await?);
        let core = joan_api::core::Core::open_with_ai(&db.location, joan_commands::StoreOptions::default(), ai)
            .await
            .expect("open core");
        Some(Self::around(core, db, AuthPolicy::default(), Uploads::default()))
    }

    async fn over(db: Arc<TestDb>, policy: AuthPolicy, uploads: Uploads) -> Self {
        let core = open_core_at(&db.location).await;
        Self::around(core, db, policy, uploads)
    }

    fn around(core: joan_api::core::Core, db: Arc<TestDb>, policy: AuthPolicy, uploads: Uploads) -> Self {
        let keyring = Keyring::from_bytes(&TEST_ENCRYPTION_KEY);
        let secret = Secret::new("test-secret-not-for-production");
        let state = AppState::with_uploads(core, &secret, keyring, policy, uploads);
        let router = router(state.clone(), &HttpOptions::default());
        Self { router, state, db }
    }

    pub fn call(&self, method: Method, path: &str) -> Call<'_> {
        Call {
            app: self,
            request: Request::builder().method(method).uri(path),
            body: Body::empty(),
            peer: "127.0.0.1:40000".parse().unwrap(),
        }
    }

    pub fn get(&self, path: &str) -> Call<'_> {
        self.call(Method::GET, path)
    }

    pub fn post(&self, path: &str) -> Call<'_> {
        self.call(Method::POST, path)
    }

    pub fn patch(&self, path: &str) -> Call<'_> {
        self.call(Method::PATCH, path)
    }

    pub fn delete(&self, path: &str) -> Call<'_> {
        self.call(Method::DELETE, path)
    }

    /// A fresh access token for a brand-new user id, signed like the server's own.
    pub fn token_for_new_user(&self) -> String {
        self.new_user().1
    }

    /// A brand-new user id and an access token for it.
    pub fn new_user(&self) -> (String, String) {
        let user = uuid::Uuid::new_v4();
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let token = self
            .state
            .tokens
            .issue(joan_domain::UserId(user), uuid::Uuid::new_v4(), now)
            .unwrap();
        (user.to_string(), token)
    }
}

/// A logged-in user.
#[derive(Debug, Clone)]
pub struct Session {
    pub access: String,
    pub refresh: String,
    pub user_id: String,
}

/// The password `register_and_login` gives every user.
pub const PASSWORD: &str = "correct horse battery";

impl TestApp {
    pub async fn register(&self, email: &str, password: &str, name: &str) -> Reply {
        let body = serde_json::json!({"email": email, "password": password, "name": name});
        self.post("/api/v1/auth/register").json(&body).send().await
    }

    pub async fn login(&self, email: &str, password: &str) -> Reply {
        let body = serde_json::json!({"email": email, "password": password});
        self.post("/api/v1/auth/login").json(&body).send().await
    }

    pub async fn refresh(&self, refresh_token: &str) -> Reply {
        let body = serde_json::json!({"refresh_token": refresh_token});
        self.post("/api/v1/auth/refresh").json(&body).send().await
    }

    /// Registers `email` with [`PASSWORD`] and logs in.
    pub async fn register_and_login(&self, email: &str) -> Session {
        let registered = self.register(email, PASSWORD, "Test User").await;
        assert_eq!(registered.status, StatusCode::CREATED, "{}", registered.text);
        let tokens = self.login(email, PASSWORD).await;
        assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.text);
        Session {
            access: tokens.body["access_token"].as_str().unwrap().to_string(),
            refresh: tokens.body["refresh_token"].as_str().unwrap().to_string(),
            user_id: registered.body["id"].as_str().unwrap().to_string(),
        }
    }
}
