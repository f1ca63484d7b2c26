//! The mesh's timing and buffer sizes.

use crate::error::ConfigError;

/// How the mesh is timed and how much it buffers. Every field has a
/// documented default; [`MeshConfig::validate`] rejects the values that
/// would make nothing move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MeshConfig {
    /// Cycles a packet spends in each router before it may leave it (at
    /// least 1). Default 1: "one mesh hop per cycle" (chapter 8).
    pub hop_latency: u32,
    /// Packets each router input buffer holds, per direction. Default 4.
    pub router_buffer_depth: usize,
    /// Packets a tile's injection queue (its router's local input buffer)
    /// holds; a send into a full queue stalls. Default 16, the core's
    /// outbound queue of `docs/isa-decisions.md`.
    pub injection_queue_depth: usize,
    /// Packets an endpoint's input FIFO holds. Default 16.
    pub endpoint_fifo_depth: usize,
    /// Cycles a packet may wait at a full destination FIFO before it is
    /// dropped and reported (C.4). Default 1024.
    pub overflow_threshold: u64,
    /// Whether every hop is recorded (`--trace noc`). Default off.
    pub trace: bool,
}

impl Default for MeshConfig {
    fn default() -> MeshConfig {
        MeshConfig {
            hop_latency: 1,
            router_buffer_depth: 4,
            injection_queue_depth: 16,
            endpoint_fifo_depth: 16,
            overflow_threshold: 1024,
            trace: false,
        }
    }
}

impl MeshConfig {
    /// The configuration, or why it cannot work.
    pub fn validate(self) -> Result<MeshConfig, ConfigError> {
        if self.hop_latency == 0 {
            return Err(ConfigError::ZeroHopLatency);
        }
        for (depth, buffer) in [
            (self.router_buffer_depth, "router buffer"),
            (self.injection_queue_depth, "injection queue"),
            (self.endpoint_fifo_depth, "endpoint FIFO"),
        ] {
            if depth == 0 {
                return Err(ConfigError::ZeroDepth { buffer });
            }
        }
        Ok(self)
    }
}
