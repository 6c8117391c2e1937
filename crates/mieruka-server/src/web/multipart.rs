//! `multipart/form-data` bodies (RFC 7578), read with `multer`: the measurement import's upload
//! (`import.rs`), and the layers that check a form's text fields (`input.rs`) and find its CSRF
//! token (`csrf.rs`). Every caller has read the body within `MAX_UPLOAD_BYTES` first; the
//! parser keeps to the same limit.

use axum::body::{Body, Bytes};

use super::csrf::MAX_UPLOAD_BYTES;

/// One field of a `multipart/form-data` body: its name, the file name if it is a file, and its
/// bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub data: Vec<u8>,
}

/// The boundary of a `multipart/form-data` content type, or None for any other type.
pub fn boundary(content_type: &str) -> Option<String> {
    multer::parse_boundary(content_type).ok()
}

/// The fields of a `multipart/form-data` body, or None when it is not one: no delimiter, a part
/// without a name, a body cut short, or more than `MAX_UPLOAD_BYTES`.
pub async fn form_data(body: Bytes, boundary: &str) -> Option<Vec<Part>> {
    let limits = multer::Constraints::new()
        .size_limit(multer::SizeLimit::new().whole_stream(MAX_UPLOAD_BYTES as u64));
    let mut fields = multer::Multipart::with_constraints(
        Body::from(body).into_data_stream(),
        boundary.to_string(),
        limits,
    );
    let mut parts = Vec::new();
    while let Some(field) = fields.next_field().await.ok()? {
        let name = field.name()?.to_string();
        let filename = field.file_name().map(str::to_string);
        let data = field.bytes().await.ok()?.to_vec();
        parts.push(Part {
            name,
            filename,
            data,
        });
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn read(body: &'static [u8]) -> Option<Vec<Part>> {
        form_data(Bytes::from_static(body), "XyZ").await
    }

    #[tokio::test]
    async fn reads_fields_and_files_of_a_multipart_body() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nab12\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.csv\"\r\nContent-Type: text/csv\r\n\r\nunit,date\r\nhq,2026-10-01\r\n\r\n--XyZ--\r\n";
        let parts = read(body).await.unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "csrf_token");
        assert_eq!(parts[0].filename, None);
        assert_eq!(parts[0].data, b"ab12");
        assert_eq!(parts[1].name, "file");
        assert_eq!(parts[1].filename.as_deref(), Some("m.csv"));
        assert_eq!(parts[1].data, b"unit,date\r\nhq,2026-10-01\r\n");
        assert_eq!(
            boundary("multipart/form-data; boundary=\"XyZ\"").as_deref(),
            Some("XyZ")
        );
        assert_eq!(
            boundary("multipart/form-data; boundary=XyZ").as_deref(),
            Some("XyZ")
        );
        assert_eq!(boundary("application/json"), None);
        assert_eq!(boundary("multipart/form-data"), None);
        assert!(read(b"no delimiter here").await.is_none());
        assert!(
            read(b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1")
                .await
                .is_none(),
            "a body cut short is refused"
        );
        assert!(
            read(b"--XyZ\r\nContent-Disposition: form-data\r\n\r\n1\r\n--XyZ--\r\n")
                .await
                .is_none(),
            "a part without a name is refused"
        );
    }

    #[tokio::test]
    async fn a_body_over_the_upload_limit_is_refused() {
        let mut body =
            b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\r\n"
                .to_vec();
        body.resize(body.len() + MAX_UPLOAD_BYTES, b'a');
        body.extend_from_slice(b"\r\n--XyZ--\r\n");
        assert!(form_data(Bytes::from(body), "XyZ").await.is_none());
        let mut fits =
            b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ok.csv\"\r\n\r\n"
                .to_vec();
        fits.resize(fits.len() + 1024, b'a');
        fits.extend_from_slice(b"\r\n--XyZ--\r\n");
        let parts = form_data(Bytes::from(fits), "XyZ").await.unwrap();
        assert_eq!(parts[0].data.len(), 1024);
    }
}
