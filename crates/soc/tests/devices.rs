//! The devices of Appendix C.3 on the standard 4-core system. A `Mailbox`
//! stands in for each core. Expected packets are derived by hand from C.1
//! (the §13 bit layout), C.3, C.6 and `docs/soc-decisions.md`.

use cml_isa::Packet;
use cml_soc::devices::{Disk, KeyEvent, Modifier, NetworkInterface, Uart};
use cml_soc::protocol::{disk, inter_core, keyboard, network, timer, uart, OP_IDENTIFY};
use cml_soc::{DecodedPacket, Device, DeviceKind, IdentifyReply, Mailbox, MeshConfig, Soc, TileId};

const CORE_0: TileId = TileId::core(0);

fn standard() -> Soc {
    Soc::standard(4, MeshConfig::default()).unwrap()
}

fn packets(mailbox: &Mailbox) -> Vec<Packet> {
    mailbox
        .received()
        .iter()
        .map(|received| received.packet)
        .collect()
}

fn run(soc: &mut Soc, cores: &mut [Mailbox]) {
    assert!(
        soc.run_until_quiet_with(cores, 100_000),
        "the system did not become quiet"
    );
}

#[test]
fn every_device_answers_identify_with_its_c6_payload() {
    let mut soc = standard();
    let mut core = Mailbox::new(CORE_0);
    let devices = [
        TileId::uart(0),
        TileId::keyboard(0),
        TileId::timer(0),
        TileId::disk(0),
        TileId::network_interface(0),
    ];
    for device in devices {
        core.send_at(0, device, OP_IDENTIFY, 0);
    }
    let mut cores = [core];
    run(&mut soc, &mut cores);
    // Replies from different devices may arrive in any relative order
    // (C.4), so they are compared in tile order.
    let mut replies: Vec<(u8, u8, u32)> = packets(&cores[0])
        .iter()
        .map(|packet| (packet.source, packet.op, packet.payload))
        .collect();
    replies.sort();
    // kind << 24 | version << 16 | capabilities (C.6); the capabilities
    // bits are in docs/soc-decisions.md. The disk's 0x0903 is log2(512) = 9
    // in bits 8-15, read and write in bits 0 and 1.
    assert_eq!(
        replies,
        vec![
            (0x10, 0x0F, 0x0101_0007),
            (0x18, 0x0F, 0x0201_0003),
            (0x20, 0x0F, 0x0301_0003),
            (0x28, 0x0F, 0x0401_0903),
            (0x30, 0x0F, 0x0501_0003),
        ]
    );
    let disk = IdentifyReply::decode(0x0401_0903);
    assert_eq!(disk.kind, DeviceKind::Disk);
    assert_eq!(disk.version, 1);
    assert_eq!(IdentifyReply::core(3, 0).encode(), 0x0001_0003);
}

/// Chapter 8: the kernel binds the KID to core 0; the key 'A' becomes the
/// packet (dst core 0, src the KID's tile 0x18, op 0x01, flags 0, payload
/// 0x41). In §13's layout that is 0x18 << 52 | 1 << 48 | 0x41 << 12 =
/// 0x0181_0000_0004_1000.
#[test]
fn chapter_8_a_key_press_reaches_core_0_as_a_key_event_packet() {
    let mut soc = standard();
    let Some(Device::Keyboard(keyboard)) = soc.device_mut(TileId::keyboard(0)) else {
        panic!("the standard system has a keyboard at 0x18");
    };
    keyboard.push_events(&[KeyEvent::press(50, b'A'), KeyEvent::release(60, b'A')]);
    let mut core = Mailbox::new(CORE_0);
    core.send_at(0, TileId::keyboard(0), keyboard::BIND, 0);
    let mut cores = [core];
    run(&mut soc, &mut cores);
    let received = packets(&cores[0]);
    let press = Packet {
        destination: 0x00,
        source: 0x18,
        op: 0x01,
        flags: 0,
        payload: 0x41,
    };
    assert_eq!(press.encode(), 0x0181_0000_0004_1000);
    assert_eq!(
        received,
        vec![
            press,
            Packet {
                payload: 0xC1,
                ..press
            }
        ]
    );
    // Pressed at cycle 50 and sent then. The KID is at (2,1), core 0 at
    // (0,0): two hops west and one north, at cycles 51, 52 and 53, and
    // delivery into core 0's FIFO at 54, after core 0 has acted in that
    // cycle; core 0 drains it at the start of cycle 55.
    assert_eq!(cores[0].received()[0].cycle, 55);
}

#[test]
fn key_events_before_the_bind_wait_for_it_and_the_modifier_state_is_tracked() {
    let mut soc = standard();
    let Some(Device::Keyboard(keyboard)) = soc.device_mut(TileId::keyboard(0)) else {
        panic!("no keyboard");
    };
    keyboard.push_events(&[
        KeyEvent::press(1, Modifier::Shift.scancode()),
        KeyEvent::press(2, b'B'),
    ]);
    let mut core = Mailbox::new(CORE_0);
    core.send_at(20, TileId::keyboard(0), keyboard::MODIFIERS, 0);
    core.send_at(30, TileId::keyboard(0), keyboard::BIND, 0);
    let mut cores = [core];
    run(&mut soc, &mut cores);
    let received: Vec<(u8, u32)> = packets(&cores[0])
        .iter()
        .map(|packet| (packet.op, packet.payload))
        .collect();
    assert_eq!(received, vec![(0x03, 0b0001), (0x01, 0x01), (0x01, 0x42)]);
}

/// Chapter 9: PERF (2, 0) with v0 = 'A' and the entry Remote(0x10, 0x01)
/// builds (dst 0x10, src 0x00, op 0x01, flags 0, payload 0x41):
/// 0x10 << 58 | 1 << 48 | 0x41 << 12 = 0x4001_0000_0004_1000.
#[test]
fn chapter_9_the_uart_send_packet_prints_a() {
    let packet = Packet::decode(0x4001_0000_0004_1000);
    assert_eq!(
        (
            packet.destination,
            packet.source,
            packet.op,
            packet.flags,
            packet.payload
        ),
        (0x10, 0x00, 0x01, 0x0, 0x41)
    );
    let mut soc = standard();
    let sent = soc.port(CORE_0).send(packet).unwrap();
    assert_eq!(sent, cml_soc::SendResult::Accepted);
    assert!(soc.run_until_quiet(100));
    assert_eq!(soc.take_console_output(), b"A");
    assert_eq!(
        DecodedPacket(packet).to_string(),
        "0x00 core0 -> 0x10 uart0 op 0x1 transmit byte, flags 0x0, payload 0x00000041"
    );
}

#[test]
fn the_uart_delivers_scripted_input_to_the_core_that_configured_it() {
    let mut soc = standard();
    let Some(Device::Uart(device)) = soc.device_mut(TileId::uart(0)) else {
        panic!("no UART");
    };
    device.push_input(b"hi");
    let core_1 = TileId::core(1);
    let mut core = Mailbox::new(core_1);
    // Configure: 5 cycles per character, even parity (2 << 12).
    core.send_at(0, TileId::uart(0), uart::CONFIGURE, 0x2005);
    core.send_at(40, TileId::uart(0), uart::STATUS, 0);
    let mut cores = [core];
    run(&mut soc, &mut cores);
    let received = cores[0].received();
    let bytes: Vec<(u8, u32)> = received
        .iter()
        .map(|item| (item.packet.op, item.packet.payload))
        .collect();
    // Status: input drained (bit 0 clear), no configuration error, bound
    // (bit 3).
    assert_eq!(
        bytes,
        vec![
            (0x02, u32::from(b'h')),
            (0x02, u32::from(b'i')),
            (0x04, 0b1000)
        ]
    );
    assert_eq!(received[1].cycle - received[0].cycle, 5);
    let Some(Device::Uart(device)) = soc.device(TileId::uart(0)) else {
        panic!("no UART");
    };
    assert_eq!(device.config().cycles_per_character, 5);
    assert_eq!(device.bound_core(), Some(core_1));
}

#[test]
fn the_timer_ticks_every_reload_cycles_to_the_bound_core() {
    let mut soc = standard();
    let core_2 = TileId::core(2);
    let mut core = Mailbox::new(core_2);
    core.send_at(0, TileId::timer(0), timer::BIND, 2);
    core.send_at(0, TileId::timer(0), timer::RELOAD, 10);
    core.send_at(0, TileId::timer(0), timer::ENABLE, 1);
    core.send_at(100, TileId::timer(0), timer::ENABLE, 0);
    let mut cores = [core];
    run(&mut soc, &mut cores);
    let ticks = cores[0].received();
    assert!(
        ticks.len() >= 8,
        "about 100 / 10 ticks, got {}",
        ticks.len()
    );
    for tick in ticks {
        assert_eq!(
            (tick.packet.source, tick.packet.op, tick.packet.payload),
            (0x20, timer::TICK, 2)
        );
    }
    for pair in ticks.windows(2) {
        assert_eq!(pair[1].cycle - pair[0].cycle, 10);
    }
}

#[test]
fn the_disk_reads_and_writes_sectors_and_carries_the_continuation_handle_back() {
    let image: Vec<u8> = (0..1024u32).map(|index| index as u8).collect();
    let mut soc = Soc::standard(4, MeshConfig::default()).unwrap();
    let disk_tile = TileId::disk(0);
    *soc.device_mut(disk_tile).unwrap() = Device::Disk(Disk::new(0, image));
    let mut core = Mailbox::new(CORE_0);
    core.send_at(0, disk_tile, disk::SELECT_SECTOR, 1);
    core.send_at(0, disk_tile, disk::READ, 0xBEEF);
    core.send_at(0, disk_tile, disk::SELECT_SECTOR, 0);
    for word in 0..256u32 {
        core.send_at(0, disk_tile, disk::WRITE_DATA, 0x1000 + word);
    }
    core.send_at(0, disk_tile, disk::WRITE, 0x1234);
    core.send_at(0, disk_tile, disk::SELECT_SECTOR, 2);
    core.send_at(0, disk_tile, disk::READ, 0x0042);
    let mut cores = [core];
    run(&mut soc, &mut cores);
    let received = packets(&cores[0]);
    assert_eq!(received.len(), 256 + 1 + 1 + 1);
    // Sector 1 is bytes 512..1024, whose values are their index mod 256:
    // word i is bytes (2i, 2i + 1) little-endian = (2i + 1) << 8 | 2i.
    for (index, packet) in received[..256].iter().enumerate() {
        let low = (2 * index) as u32 & 0xFF;
        let word = ((low + 1) << 8) | low;
        assert_eq!(
            (packet.op, packet.payload),
            (disk::DATA, ((index as u32) << 16) | word)
        );
    }
    assert_eq!(
        (received[256].op, received[256].payload),
        (disk::DONE, 0xBEEF)
    );
    assert_eq!(
        (received[257].op, received[257].payload),
        (disk::DONE, 0x1234)
    );
    // Sector 2 does not exist in a 1024-byte image: failure code 1.
    assert_eq!(
        (received[258].op, received[258].payload),
        (disk::FAILED, 0x0001_0042)
    );
    let Some(Device::Disk(disk)) = soc.device(disk_tile) else {
        panic!("no disk");
    };
    assert_eq!(&disk.image()[..4], &[0x00, 0x10, 0x01, 0x10]);
    assert_eq!(disk.image()[512], 0x00);
    assert_eq!(disk.operations(), (1, 1));
}

#[test]
fn the_network_interface_moves_frames_both_ways() {
    let mut soc = standard();
    let nic_tile = TileId::network_interface(0);
    let mut nic = NetworkInterface::new(0);
    nic.push_incoming(vec![7, 8, 9]).unwrap();
    assert!(nic.push_incoming(Vec::new()).is_err());
    *soc.device_mut(nic_tile).unwrap() = Device::NetworkInterface(nic);
    let mut core = Mailbox::new(CORE_0);
    core.send_at(0, nic_tile, network::TRANSMIT_BYTE, 0xAA);
    core.send_at(0, nic_tile, network::TRANSMIT_BYTE, 0xBB);
    core.send_at(0, nic_tile, network::TRANSMIT_END, 0);
    core.send_at(0, nic_tile, network::BIND, 0);
    let mut cores = [core];
    run(&mut soc, &mut cores);
    let received: Vec<u32> = packets(&cores[0])
        .iter()
        .map(|packet| packet.payload)
        .collect();
    assert_eq!(received, vec![7, 8, 9 | 0x100]);
    let Some(Device::NetworkInterface(nic)) = soc.device_mut(nic_tile) else {
        panic!("no NIC");
    };
    assert_eq!(nic.take_transmitted(), vec![vec![0xAA, 0xBB]]);
}

#[test]
fn unknown_ops_and_bad_payloads_are_counted_not_fatal() {
    let mut soc = standard();
    let mut core = Mailbox::new(CORE_0);
    core.send_at(0, TileId::uart(0), 0x09, 0);
    core.send_at(0, TileId::uart(0), uart::CONFIGURE, 0x3000);
    core.send_at(0, TileId::timer(0), timer::BIND, 99);
    core.send_at(0, TileId::disk(5), disk::READ, 0);
    let mut cores = [core];
    run(&mut soc, &mut cores);
    assert_eq!(soc.device(TileId::uart(0)).unwrap().rejected().count, 2);
    assert_eq!(soc.device(TileId::timer(0)).unwrap().rejected().count, 1);
    assert_eq!(cores[0].errors(), 1, "disk 5 is not on the mesh");
}

#[test]
fn inter_core_ops_including_release_are_named_in_traces() {
    let release = Packet {
        destination: 0x01,
        source: 0x00,
        op: inter_core::RELEASE,
        flags: 0,
        payload: 0,
    };
    assert!(DecodedPacket(release)
        .to_string()
        .contains("op 0x6 release"));
    let tick = Packet {
        destination: 0x00,
        source: 0x20,
        op: timer::TICK,
        flags: 0,
        payload: 0,
    };
    assert!(DecodedPacket(tick)
        .to_string()
        .contains("timer0 -> 0x00 core0 op 0x3 tick"));
    let uart = Uart::new(0);
    assert_eq!(uart.identify().encode(), 0x0101_0007);
}
