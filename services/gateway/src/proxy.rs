//! Forwards a request to the upstream that owns its path and streams the answer back.

use std::time::Duration;

use actix_web::body::{BodyStream, SizedStream};
use actix_web::http::header::{self as actix_header, HeaderMap as ActixHeaders};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use kefu_platform::error::ApiError;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::client_ip::{client_ip, forwarded_for, IpRange};
use crate::error_codes;
use crate::routes::Upstream;
use crate::{trace_context, Gateway};

/// Headers that describe one connection, never the message (RFC 9110 §7.6.1).
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// Headers the gateway sets itself on the upstream request.
const REWRITTEN: &[&str] = &[
    "host",
    "content-length",
    "traceparent",
    "x-forwarded-for",
    "x-forwarded-proto",
    "x-forwarded-host",
    "forwarded",
    "x-real-ip",
];

/// The handler behind every path that is not the gateway's own.
pub async fn forward(
    req: HttpRequest,
    payload: web::Payload,
    gateway: web::Data<Gateway>,
) -> Result<HttpResponse, ApiError> {
    let upstream = gateway
        .routes
        .resolve(req.path())
        .ok_or(ApiError::NotFound)?
        .clone();
    // File uploads are the one kind of request allowed to be large.
    let upload =
        req.method() == actix_web::http::Method::POST && req.path().ends_with("/attachments");
    let limit = if upload {
        gateway.upload_limit.max(gateway.body_limit)
    } else {
        gateway.body_limit
    };
    let body = read_body(&req, payload, limit).await?;
    let path_and_query = req.uri().path_and_query().map_or("/", |pq| pq.as_str());
    let url = reqwest::Url::parse(&format!("{}{}", upstream.base_url, path_and_query))
        .map_err(|_| ApiError::NotFound)?;
    if !url.path().ends_with(req.path()) {
        // Parsing rewrote the path the access check saw: never forward something else.
        return Err(ApiError::NotFound);
    }
    let method = reqwest::Method::from_bytes(req.method().as_str().as_bytes())
        .map_err(|_| ApiError::NotFound)?;
    let headers = upstream_headers(&req, &gateway.trusted_proxies);
    let mut request = gateway.client.request(method, url).headers(headers);
    if !body.is_empty() || req.headers().contains_key(actix_header::CONTENT_LENGTH) {
        request = request.body(body);
    }
    let timeout = gateway
        .timeouts
        .find(req.path())
        .copied()
        .unwrap_or(gateway.timeout);
    let response = send(request, timeout, &upstream).await?;
    Ok(downstream_response(&req, response))
}

async fn read_body(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<Bytes, ApiError> {
    let declared = req
        .headers()
        .get(actix_header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > limit) {
        return Err(ApiError::PayloadTooLarge);
    }
    let mut body = BytesMut::with_capacity(declared.unwrap_or(0));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|error| {
            ApiError::bad_request(
                error_codes::UNREADABLE_BODY,
                format!("the request body could not be read: {error}"),
            )
        })?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn upstream_headers(req: &HttpRequest, trusted: &[IpRange]) -> HeaderMap {
    let connection_listed = connection_tokens(req.headers());
    let mut headers = HeaderMap::with_capacity(req.headers().len() + 4);
    for (name, value) in req.headers() {
        let name = name.as_str();
        if HOP_BY_HOP.contains(&name)
            || REWRITTEN.contains(&name)
            || connection_listed.iter().any(|listed| listed == name)
        {
            continue;
        }
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_bytes(value.as_bytes()),
        ) {
            headers.append(name, value);
        }
    }
    let peer = req.peer_addr().map(|addr| addr.ip());
    let from_trusted_proxy = peer.is_some_and(|ip| trusted.iter().any(|r| r.contains(ip)));
    let incoming = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .filter(|_| from_trusted_proxy)
    };
    // Upstreams take the first X-Forwarded-For entry as the client, and that entry is
    // whatever the client wrote; send the one address the gateway trusts instead.
    let chain = forwarded_for(req.headers()).filter(|_| from_trusted_proxy);
    let forwarded_for = client_ip(peer, chain.as_deref(), trusted).map(|ip| ip.to_string());
    let scheme = if req.app_config().secure() {
        "https"
    } else {
        "http"
    };
    let proto = incoming("x-forwarded-proto").unwrap_or(scheme).to_string();
    let host = incoming("x-forwarded-host")
        .or_else(|| req.headers().get(actix_header::HOST)?.to_str().ok())
        .map(String::from);
    let traceparent = req
        .headers()
        .get("traceparent")
        .and_then(|v| v.to_str().ok());
    let set = [
        ("x-forwarded-for", forwarded_for),
        ("x-forwarded-proto", Some(proto)),
        ("x-forwarded-host", host),
        ("traceparent", Some(trace_context::outgoing(traceparent))),
    ];
    for (name, value) in set {
        if let Some(value) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
    headers
}

fn connection_tokens(headers: &ActixHeaders) -> Vec<String> {
    headers
        .get_all(actix_header::CONNECTION)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|token| token.trim().to_ascii_lowercase())
        .filter(|token| !token.is_empty())
        .collect()
}

async fn send(
    request: reqwest::RequestBuilder,
    timeout: Duration,
    upstream: &Upstream,
) -> Result<reqwest::Response, ApiError> {
    let service = format!("the {} service", upstream.name);
    let started = std::time::Instant::now();
    let outcome = tokio::time::timeout(timeout, request.send()).await;
    let status = match &outcome {
        Ok(Ok(response)) => response.status().as_str().to_string(),
        Ok(Err(_)) => "error".into(),
        Err(_) => "timeout".into(),
    };
    let labels = [("upstream", upstream.name.clone()), ("status", status)];
    metrics::histogram!("gateway_upstream_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    match outcome {
        Err(_) => {
            tracing::warn!(upstream = %upstream.name, ?timeout, "upstream timed out");
            Err(ApiError::GatewayTimeout)
        }
        Ok(Ok(response)) => Ok(response),
        Ok(Err(error)) if error.is_timeout() => {
            tracing::warn!(upstream = %upstream.name, %error, "upstream timed out");
            Err(ApiError::GatewayTimeout)
        }
        Ok(Err(error)) if error.is_connect() => {
            tracing::warn!(upstream = %upstream.name, %error, "upstream unreachable");
            Err(ApiError::Unavailable(service))
        }
        Ok(Err(error)) => {
            tracing::warn!(upstream = %upstream.name, %error, "upstream failed");
            Err(ApiError::BadGateway(service))
        }
    }
}

fn downstream_response(req: &HttpRequest, response: reqwest::Response) -> HttpResponse {
    let status =
        StatusCode::from_u16(response.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut builder = HttpResponse::build(status);
    let listed: Vec<String> = response
        .headers()
        .get_all(reqwest::header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().to_ascii_lowercase())
        .collect();
    for (name, value) in response.headers() {
        let name = name.as_str();
        if HOP_BY_HOP.contains(&name)
            || name == "content-length"
            || listed.iter().any(|l| l == name)
        {
            continue;
        }
        if let (Ok(name), Ok(value)) = (
            actix_header::HeaderName::from_bytes(name.as_bytes()),
            actix_header::HeaderValue::from_bytes(value.as_bytes()),
        ) {
            builder.append_header((name, value));
        }
    }
    let no_body = req.method() == actix_web::http::Method::HEAD
        || status.is_informational()
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED;
    if no_body {
        return builder.finish();
    }
    match response.content_length() {
        Some(length) => builder.body(SizedStream::new(length, response.bytes_stream())),
        None => builder.body(BodyStream::new(response.bytes_stream())),
    }
}
