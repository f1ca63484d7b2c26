//! The disk controller: sector reads and writes over an in-memory byte
//! image. Requests carry a continuation handle and replies carry it back
//! (option α of chapter 9: the hardware knows nothing of request and
//! response; the kernel resumes the handle it gets back).

use cml_isa::Packet;

use super::{answer_identify, RejectedPackets};
use crate::endpoint::{packet_to, Outbox};
use crate::error::DeviceError;
use crate::protocol::{disk, DeviceKind, IdentifyReply};
use crate::tile::TileId;

/// The default sector size in bytes.
pub const DEFAULT_SECTOR_BYTES: usize = 512;

/// Why a read or write failed: the code in bits 16-23 of a FAILED reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiskFailure {
    /// 1: the selected sector is past the end of the image.
    SectorOutOfRange = 1,
    /// 2: the write buffer does not hold exactly one sector of words.
    WriteBufferNotOneSector = 2,
    /// 3: the disk is read-only.
    ReadOnly = 3,
}

/// A disk controller at tiles 0x28-0x2F.
///
/// A sector of `sector_bytes` bytes travels as `sector_bytes / 2` DATA
/// packets, each one 16-bit word (bytes `2i` and `2i+1`, the first in the
/// low half) with its index `i` in bits 16-31, followed by DONE; NoC
/// ordering keeps them in order. Replies go to the tile that asked. Bytes
/// past the last whole sector of the image are not addressable.
#[derive(Clone, Debug)]
pub struct Disk {
    pub(crate) tile: TileId,
    pub(crate) outbox: Outbox,
    pub(crate) rejected: RejectedPackets,
    image: Vec<u8>,
    sector_bytes: usize,
    writable: bool,
    selected_sector: u32,
    write_buffer: Vec<u16>,
    write_buffer_overrun: bool,
    reads: u64,
    writes: u64,
}

impl Disk {
    /// Disk controller `index` (0 to 7), at tile 0x28 + index, over
    /// `image`, with 512-byte sectors, writable.
    pub fn new(index: u8, image: Vec<u8>) -> Disk {
        Disk {
            tile: TileId::disk(index),
            outbox: Outbox::default(),
            rejected: RejectedPackets::default(),
            image,
            sector_bytes: DEFAULT_SECTOR_BYTES,
            writable: true,
            selected_sector: 0,
            write_buffer: Vec::new(),
            write_buffer_overrun: false,
            reads: 0,
            writes: 0,
        }
    }

    /// The same disk with another sector size (a power of two from 2 to
    /// 32,768 bytes).
    pub fn with_sector_bytes(mut self, bytes: usize) -> Result<Disk, DeviceError> {
        if !bytes.is_power_of_two() || !(2..=32_768).contains(&bytes) {
            return Err(DeviceError::SectorSizeInvalid { bytes });
        }
        self.sector_bytes = bytes;
        Ok(self)
    }

    /// The same disk, read-only or writable.
    pub fn with_writable(mut self, writable: bool) -> Disk {
        self.writable = writable;
        self
    }

    /// The image, with every write applied.
    pub fn image(&self) -> &[u8] {
        &self.image
    }

    /// The sector size in bytes.
    pub fn sector_bytes(&self) -> usize {
        self.sector_bytes
    }

    /// The number of whole sectors in the image.
    pub fn sector_count(&self) -> usize {
        self.image.len() / self.sector_bytes
    }

    /// Sectors read and written so far.
    pub fn operations(&self) -> (u64, u64) {
        (self.reads, self.writes)
    }

    /// The Identify payload: kind 0x04, version 1, capabilities bit 0 read,
    /// bit 1 write (clear when read-only), bits 8-15 log2 of the sector
    /// size (9 for 512 bytes).
    pub fn identify(&self) -> IdentifyReply {
        let size = self.sector_bytes.trailing_zeros() as u16;
        IdentifyReply {
            kind: DeviceKind::Disk,
            version: 1,
            capabilities: (size << 8) | 1 | (u16::from(self.writable) << 1),
        }
    }

    pub(crate) fn handle(&mut self, packet: Packet) {
        if answer_identify(packet, self.identify(), &mut self.outbox) {
            return;
        }
        let source = TileId::from_packet_field(packet.source);
        let handle = packet.payload & 0xFFFF;
        match packet.op {
            disk::SELECT_SECTOR => self.selected_sector = packet.payload,
            disk::READ => self.read(source, handle),
            disk::WRITE_DATA => {
                if self.write_buffer.len() < self.sector_bytes / 2 {
                    self.write_buffer.push(packet.payload as u16);
                } else {
                    self.write_buffer_overrun = true;
                }
            }
            disk::WRITE => self.write(source, handle),
            disk::STATUS => self.outbox.push(packet_to(
                source,
                disk::STATUS,
                u32::try_from(self.sector_count()).unwrap_or(u32::MAX),
            )),
            _ => self.rejected.reject(packet),
        }
    }

    fn sector_range(&self) -> Option<std::ops::Range<usize>> {
        let sector = usize::try_from(self.selected_sector).ok()?;
        (sector < self.sector_count())
            .then(|| sector * self.sector_bytes..(sector + 1) * self.sector_bytes)
    }

    fn fail(&mut self, source: TileId, handle: u32, failure: DiskFailure) {
        self.outbox.push(packet_to(
            source,
            disk::FAILED,
            ((failure as u32) << 16) | handle,
        ));
    }

    fn read(&mut self, source: TileId, handle: u32) {
        let Some(range) = self.sector_range() else {
            return self.fail(source, handle, DiskFailure::SectorOutOfRange);
        };
        for (index, pair) in self.image[range].chunks_exact(2).enumerate() {
            let word = u32::from(u16::from_le_bytes([pair[0], pair[1]]));
            self.outbox
                .push(packet_to(source, disk::DATA, ((index as u32) << 16) | word));
        }
        self.outbox.push(packet_to(source, disk::DONE, handle));
        self.reads += 1;
    }

    fn write(&mut self, source: TileId, handle: u32) {
        let buffer = std::mem::take(&mut self.write_buffer);
        let overrun = std::mem::replace(&mut self.write_buffer_overrun, false);
        if !self.writable {
            return self.fail(source, handle, DiskFailure::ReadOnly);
        }
        let Some(range) = self.sector_range() else {
            return self.fail(source, handle, DiskFailure::SectorOutOfRange);
        };
        if overrun || buffer.len() != self.sector_bytes / 2 {
            return self.fail(source, handle, DiskFailure::WriteBufferNotOneSector);
        }
        for (target, word) in self.image[range].chunks_exact_mut(2).zip(buffer) {
            target.copy_from_slice(&word.to_le_bytes());
        }
        self.outbox.push(packet_to(source, disk::DONE, handle));
        self.writes += 1;
    }
}
