//! Python values → `prism` values.
//!
//! The request dict becomes a `serde_json::Value` and is deserialized by `prism`'s own
//! `CustomerCreateRequest` (unknown fields rejected by serde), so the binding keeps no list of
//! fields. Nothing here ever puts a value of the request into a message: only field paths,
//! rules and expected types.

use std::time::Duration;

use prism::{CustomerCreateRequest, Error, FieldError, OnDuplicate, UnsupportedFields};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde::Deserialize;
use serde_json::{Map, Number, Value};

/// Why a request could not be read: a Python `TypeError` (not a mapping at all) or a
/// `prism::Error` of kind `InvalidRequest` listing the fields.
pub(crate) enum RequestError {
    NotAMapping(PyErr),
    Invalid(Error),
}

/// The page's dict (or any mapping) → `CustomerCreateRequest`.
pub(crate) fn request_from_py(
    obj: &Bound<'_, PyAny>,
) -> Result<CustomerCreateRequest, RequestError> {
    let owned;
    let dict = match obj.cast::<PyDict>() {
        Ok(d) => d,
        Err(_) => {
            let is_mapping = obj.hasattr("keys").unwrap_or(false);
            let converted = if is_mapping {
                obj.py()
                    .get_type::<PyDict>()
                    .call1((obj,))
                    .ok()
                    .and_then(|d| d.cast_into::<PyDict>().ok())
            } else {
                None
            };
            match converted {
                Some(d) => {
                    owned = d;
                    &owned
                }
                None => {
                    return Err(RequestError::NotAMapping(PyTypeError::new_err(format!(
                        "request must be a dict like the product page's (merchant_customer_id, email, name, phone, description, metadata, address), not {}",
                        type_name(obj)
                    ))))
                }
            }
        }
    };
    let mut value = dict_to_json(dict, "")
        .map_err(|f| RequestError::Invalid(Error::invalid_fields(vec![f])))?;
    // The fast path: one serde pass.
    if let Ok(req) = CustomerCreateRequest::deserialize(&value) {
        return Ok(req);
    }
    Err(RequestError::Invalid(describe_rejection(&mut value)))
}

/// Every reason serde rejects `value`, with the field paths. Each problem found is recorded
/// and its key removed (or, for a missing field, filled) before looking for the next, so that
/// every unknown key and every mistyped value is named at once.
fn describe_rejection(value: &mut Value) -> Error {
    let mut fields = Vec::new();
    for _ in 0..64 {
        let err = match serde_path_to_error::deserialize::<_, CustomerCreateRequest>(&*value) {
            Ok(_) => break,
            Err(e) => e,
        };
        let path = err.path().to_string();
        let msg = err.inner().to_string();
        let progressed = if let Some(rest) = msg.strip_prefix("unknown field `") {
            let name = rest.split('`').next().unwrap_or_default().to_owned();
            let accepted = rest
                .split_once("expected ")
                .map(|(_, e)| e.split(" at line").next().unwrap_or(e).replace('`', ""))
                .unwrap_or_default();
            let parent = parent_segments(&path, &name);
            fields.push(FieldError::new(
                dotted(&parent, &name),
                "unknown_field",
                format!(
                    "unknown field; accepted: {}",
                    accepted.replace("one of ", "")
                ),
            ));
            remove_key(value, &parent, &name)
        } else if let Some(rest) = msg.strip_prefix("missing field `") {
            let name = rest.split('`').next().unwrap_or_default().to_owned();
            let parent = segments(&path);
            fields.push(FieldError::new(
                dotted(&parent, &name),
                "required",
                "is required",
            ));
            // Filled with a placeholder, so that the other problems are found too.
            insert_key(value, &parent, &name)
        } else {
            // "invalid type: integer `5`, expected a string": only what was expected is kept,
            // never the value.
            let expected = msg
                .split_once("expected ")
                .map(|(_, e)| e.split(" at line").next().unwrap_or(e).to_owned())
                .unwrap_or_else(|| "another type".to_owned());
            let mut segs = segments(&path);
            let Some(last) = segs.pop() else {
                fields.push(FieldError::new(
                    "request",
                    "type",
                    format!("must be {expected}"),
                ));
                break;
            };
            fields.push(FieldError::new(
                dotted(&segs, &last),
                "type",
                format!("must be {expected}"),
            ));
            remove_key(value, &segs, &last)
        };
        if !progressed {
            break;
        }
    }
    if fields.is_empty() {
        fields.push(FieldError::new("request", "type", "could not be read"));
    }
    Error::invalid_fields(fields)
}

fn segments(path: &str) -> Vec<String> {
    if path == "." || path.is_empty() {
        Vec::new()
    } else {
        path.split('.').map(str::to_owned).collect()
    }
}

fn dotted(parent: &[String], name: &str) -> String {
    if parent.is_empty() {
        name.to_owned()
    } else {
        format!("{}.{name}", parent.join("."))
    }
}

fn insert_key(value: &mut Value, parent: &[String], name: &str) -> bool {
    let mut cur = value;
    for seg in parent {
        match cur.get_mut(seg.as_str()) {
            Some(v) => cur = v,
            None => return false,
        }
    }
    match cur.as_object_mut() {
        Some(o) if !o.contains_key(name) => {
            o.insert(name.to_owned(), Value::String("-".to_owned()));
            true
        }
        _ => false,
    }
}

/// The segments of the object that holds the unknown field `name` at `path` (serde_path_to_error
/// reports the unknown key itself as the last segment, or only its parent).
fn parent_segments(path: &str, name: &str) -> Vec<String> {
    let mut segs = segments(path);
    if segs.last().map(String::as_str) == Some(name) {
        segs.pop();
    }
    segs
}

fn remove_key(value: &mut Value, parent: &[String], name: &str) -> bool {
    let mut cur = value;
    for seg in parent {
        match cur.get_mut(seg.as_str()) {
            Some(v) => cur = v,
            None => return false,
        }
    }
    cur.as_object_mut()
        .is_some_and(|o| o.remove(name).is_some())
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".to_owned())
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn dict_to_json(dict: &Bound<'_, PyDict>, path: &str) -> Result<Value, FieldError> {
    let mut map = Map::with_capacity(dict.len());
    for (k, v) in dict.iter() {
        let key = match k.cast::<PyString>() {
            Ok(s) => s
                .to_str()
                .map_err(|_| {
                    FieldError::new(join(path, "?"), "type", "keys must be valid strings")
                })?
                .to_owned(),
            Err(_) => {
                return Err(FieldError::new(
                    if path.is_empty() {
                        "request".to_owned()
                    } else {
                        path.to_owned()
                    },
                    "type",
                    format!("keys must be strings, not {}", type_name(&k)),
                ))
            }
        };
        let field = join(path, &key);
        let value = to_json(&v, &field, 1)?;
        map.insert(key, value);
    }
    Ok(Value::Object(map))
}

fn to_json(obj: &Bound<'_, PyAny>, path: &str, depth: usize) -> Result<Value, FieldError> {
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return s
            .to_str()
            .map(|s| Value::String(s.to_owned()))
            .map_err(|_| FieldError::new(path, "type", "must be valid UTF-8 text"));
    }
    if depth > 8 {
        return Err(FieldError::new(path, "type", "is nested too deeply"));
    }
    if obj.is_instance_of::<PyBool>() {
        return Ok(Value::Bool(obj.extract::<bool>().unwrap_or_default()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::Number(i.into()));
        }
        return Err(FieldError::new(path, "type", "is an integer out of range"));
    }
    if obj.is_instance_of::<PyFloat>() {
        let f = obj.extract::<f64>().unwrap_or(f64::NAN);
        return Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| FieldError::new(path, "type", "must be a finite number"));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        return dict_to_json(d, path);
    }
    if let Ok(l) = obj.cast::<PyList>() {
        return l
            .iter()
            .map(|v| to_json(&v, path, depth + 1))
            .collect::<Result<_, _>>()
            .map(Value::Array);
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        return t
            .iter()
            .map(|v| to_json(&v, path, depth + 1))
            .collect::<Result<_, _>>()
            .map(Value::Array);
    }
    if obj.hasattr("keys").unwrap_or(false) {
        if let Ok(d) = obj.py().get_type::<PyDict>().call1((obj,)) {
            if let Ok(d) = d.cast::<PyDict>() {
                return dict_to_json(d, path);
            }
        }
    }
    Err(FieldError::new(
        path,
        "type",
        format!("must be a string, not {}", type_name(obj)),
    ))
}

/// Seconds (`int` or `float`) or a `datetime.timedelta` → a positive `Duration`.
pub(crate) fn duration(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Duration> {
    let secs: f64 = if obj.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be seconds (int or float) or a datetime.timedelta"
        )));
    } else if let Ok(f) = obj.extract::<f64>() {
        f
    } else if obj.hasattr("total_seconds")? {
        obj.call_method0("total_seconds")?.extract::<f64>()?
    } else {
        return Err(PyTypeError::new_err(format!(
            "{what} must be seconds (int or float) or a datetime.timedelta, not {}",
            type_name(obj)
        )));
    };
    if !(secs.is_finite() && secs > 0.0 && secs < 1.0e9) {
        return Err(PyValueError::new_err(format!(
            "{what} must be a positive number of seconds"
        )));
    }
    Ok(Duration::from_secs_f64(secs))
}

pub(crate) fn on_duplicate(s: &str) -> PyResult<OnDuplicate> {
    match s.to_ascii_lowercase().as_str() {
        "error" => Ok(OnDuplicate::Error),
        "return_existing" => Ok(OnDuplicate::ReturnExisting),
        other => Err(PyValueError::new_err(format!(
            "on_duplicate must be 'error' or 'return_existing', not {other:?}"
        ))),
    }
}

pub(crate) fn unsupported_fields(s: &str) -> PyResult<UnsupportedFields> {
    match s.to_ascii_lowercase().as_str() {
        "reject" => Ok(UnsupportedFields::Reject),
        "ignore" => Ok(UnsupportedFields::Ignore),
        other => Err(PyValueError::new_err(format!(
            "unsupported_fields must be 'reject' or 'ignore', not {other:?}"
        ))),
    }
}
