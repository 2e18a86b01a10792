//! The outside services the coach talks to: language models
//! ([`llm`]), speech-to-text and text-to-speech ([`speech`]), and the
//! server-sent events the models stream in ([`sse`]).

pub mod llm;
pub mod speech;
pub mod sse;
