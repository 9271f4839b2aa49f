//! A small typed HTTP client whose calls assert the expected status.

use reqwest::{Method, StatusCode};
use serde_json::Value;

/// A client of one base URL, optionally with a bearer token.
#[derive(Clone)]
pub struct TestClient {
    base_url: String,
    token: Option<String>,
    http: reqwest::Client,
}

/// A response with its body read.
#[derive(Debug)]
pub struct TestResponse {
    /// Status code.
    pub status: StatusCode,
    /// Headers.
    pub headers: reqwest::header::HeaderMap,
    /// Body as text.
    pub text: String,
}

impl TestResponse {
    /// The body as JSON (`Null` if it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(String::from)
    }

    /// Panics with the body unless the status is `expected`; returns the JSON body.
    #[track_caller]
    pub fn expect(&self, expected: u16) -> Value {
        assert_eq!(
            self.status.as_u16(),
            expected,
            "expected {expected}, got {}: {}",
            self.status,
            self.text
        );
        self.json()
    }

    /// Asserts a problem+json error with `status` and `code`; returns the body.
    #[track_caller]
    pub fn expect_problem(&self, status: u16, code: &str) -> Value {
        let body = self.expect(status);
        assert_eq!(
            self.header("content-type").as_deref(),
            Some("application/problem+json"),
            "not problem+json: {}",
            self.text
        );
        assert_eq!(body["code"], code, "wrong code: {}", self.text);
        body
    }
}

impl TestClient {
    /// A client without a token.
    pub fn new(base_url: &str) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_string(),
            token: None,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap_or_default(),
        }
    }

    /// The same client with a bearer token.
    pub fn with_token(&self, token: &str) -> Self {
        Self {
            token: Some(token.to_string()),
            ..self.clone()
        }
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// A request builder for `method path` with the token set.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let mut builder = self
            .http
            .request(method, format!("{}{}", self.base_url, path));
        if let Some(token) = &self.token {
            builder = builder.bearer_auth(token);
        }
        builder
    }

    /// Sends a request and reads the response.
    pub async fn send(&self, builder: reqwest::RequestBuilder) -> TestResponse {
        let response = match builder.send().await {
            Ok(r) => r,
            Err(e) => panic!("request failed: {e}"),
        };
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap_or_default();
        TestResponse {
            status,
            headers,
            text,
        }
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> TestResponse {
        self.send(self.request(Method::GET, path)).await
    }

    /// `DELETE path`.
    pub async fn delete(&self, path: &str) -> TestResponse {
        self.send(self.request(Method::DELETE, path)).await
    }

    /// `POST path` with a JSON body.
    pub async fn post(&self, path: &str, body: &Value) -> TestResponse {
        self.send(self.request(Method::POST, path).json(body)).await
    }

    /// `PATCH path` with a JSON body.
    pub async fn patch(&self, path: &str, body: &Value) -> TestResponse {
        self.send(self.request(Method::PATCH, path).json(body))
            .await
    }

    /// `PUT path` with a JSON body.
    pub async fn put(&self, path: &str, body: &Value) -> TestResponse {
        self.send(self.request(Method::PUT, path).json(body)).await
    }

    /// `POST path` with a form body (the token endpoint).
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> TestResponse {
        self.send(self.request(Method::POST, path).form(form)).await
    }
}
