//! PERF (§10), RESU (§11) and fault delivery: the cold paths of the
//! dispatch loop.
//!
//! A PERF looks for a handler: the CAM and spill region first (highest
//! install-ID wins), then the effect table. An installed tail-resumptive
//! frame, or a LocalTailResumptive entry, is called like CALL; any other
//! local handler gets a captured continuation; a Remote entry becomes a
//! NoC packet; Unhandled is the fault `UnhandledEffect`. A fault is a PERF
//! of (0xF, 0) whose continuation resumes at the faulting instruction.

use cml_isa::{EffectId, EffectTableEntry, IsaVersion, Packet, Tag};

use crate::continuation::Catcher;
use crate::cost;
use crate::decoded::Reg;
use crate::execute::Exit;
use crate::fault::Fault;
use crate::handlers::FrameLocation;
use crate::trace::{Dispatch, Event};
use crate::value::Value;
use crate::{Machine, TrapReport};

impl From<Fault> for Exit {
    fn from(fault: Fault) -> Exit {
        Exit::Fault(fault)
    }
}

impl Machine {
    /// PERF family, op, vr.
    #[cold]
    #[inline(never)]
    pub(crate) fn perform_instruction(&mut self, effect: u8, vr: Reg) -> Result<(), Exit> {
        let argument = Value(self.reg(vr));
        let resume_pc = self.pc;
        self.perform(EffectId::from_index(effect), argument, resume_pc)?;
        Ok(())
    }

    /// RESU / RESUS vk, vv.
    #[cold]
    #[inline(never)]
    pub(crate) fn resume_instruction(
        &mut self,
        vk: Reg,
        vv: Reg,
        shallow: bool,
    ) -> Result<(), Exit> {
        let continuation = Value(self.reg(vk));
        if continuation.tag() != Tag::CONT {
            return Err(self.tag_fault(vk, "CONT"));
        }
        let delivered = Value(self.reg(vv));
        self.resume_continuation(continuation.bits(), delivered, shallow)?;
        self.record(|| Event::Resumed {
            continuation: continuation.bits(),
            shallow,
        });
        Ok(())
    }

    /// Performs an effect whose continuation resumes at `resume_pc`.
    pub(crate) fn perform(
        &mut self,
        effect: EffectId,
        argument: Value,
        resume_pc: u16,
    ) -> Result<(), Fault> {
        if let Some((frame, location)) = self.find_frame(effect.index() as u8) {
            if let FrameLocation::Spill(index) = location {
                self.promote(index)?;
            }
            return if frame.tail_resumptive {
                self.call_tail_resumptive(
                    effect,
                    argument,
                    resume_pc,
                    frame.handler_pc,
                    frame.environment,
                )
            } else {
                let environment = frame.environment;
                self.dispatch_capturing(
                    effect,
                    argument,
                    resume_pc,
                    Catcher::Frame(frame),
                    frame.handler_pc,
                    environment,
                )
            };
        }
        self.charge(cost::EFFECT_TABLE_READ);
        self.stats.effect_table_lookups += 1;
        let entry = self.effect_table_entry(effect);
        match entry {
            EffectTableEntry::Unhandled => Err(Fault::UnhandledEffect { effect }),
            EffectTableEntry::Local { handler_pc } => self.dispatch_capturing(
                effect,
                argument,
                resume_pc,
                Catcher::TableBottom,
                handler_pc,
                Value::UNIT,
            ),
            EffectTableEntry::LocalTailResumptive { handler_pc }
                if self.isa >= IsaVersion::V0_5 =>
            {
                self.call_tail_resumptive(effect, argument, resume_pc, handler_pc, Value::UNIT)
            }
            EffectTableEntry::Remote {
                destination_tile,
                device_op,
            } if effect != EffectId::FAULT => {
                let packet = Packet {
                    destination: destination_tile,
                    source: self.core_id,
                    op: device_op,
                    flags: 0,
                    payload: argument.bits() as u32,
                };
                self.send_packet(packet)?;
                self.stats.performs_remote += 1;
                self.record(|| Event::Performed {
                    effect,
                    argument,
                    dispatch: Dispatch::Remote { packet },
                });
                Ok(())
            }
            other => Err(Fault::BadEffectTableEntry {
                effect,
                raw: other.encode(),
            }),
        }
    }

    /// Local dispatch with a captured continuation (§10).
    fn dispatch_capturing(
        &mut self,
        effect: EffectId,
        argument: Value,
        resume_pc: u16,
        catcher: Catcher,
        handler_pc: u16,
        environment: Value,
    ) -> Result<(), Fault> {
        let handle = self.capture_continuation(catcher, resume_pc)?;
        self.sp = match catcher {
            Catcher::Frame(frame) => frame.prompt_sp,
            Catcher::TableBottom => self.map.stack_base,
        };
        self.registers[0] = argument.0;
        self.registers[1] = Value::new(Tag::CONT, handle).0;
        self.registers[7] = Value::int(effect.op() as u16).0;
        self.registers[6] = environment.0;
        self.pc = handler_pc;
        self.stats.performs_local += 1;
        self.record(|| Event::Performed {
            effect,
            argument,
            dispatch: Dispatch::Captured {
                handler_pc,
                continuation: handle,
            },
        });
        Ok(())
    }

    /// Tail-resumptive dispatch: a CALL to the handler, nothing captured.
    fn call_tail_resumptive(
        &mut self,
        effect: EffectId,
        argument: Value,
        resume_pc: u16,
        handler_pc: u16,
        environment: Value,
    ) -> Result<(), Fault> {
        self.push_call_frame(resume_pc, self.registers[6])?;
        self.registers[6] = environment.0;
        self.registers[0] = argument.0;
        self.registers[1] = Value::UNIT.0;
        self.registers[7] = Value::int(effect.op() as u16).0;
        self.pc = handler_pc;
        self.stats.performs_tail_resumptive += 1;
        self.record(|| Event::Performed {
            effect,
            argument,
            dispatch: Dispatch::TailResumptive { handler_pc },
        });
        Ok(())
    }

    /// Delivers a fault as the effect (0xF, 0). Returns a report when the
    /// machine must stop: nothing handles the fault, or delivering it
    /// faulted too.
    #[cold]
    #[inline(never)]
    pub(crate) fn deliver_fault(&mut self, fault: Fault, pc: u16) -> Option<Box<TrapReport>> {
        self.stats.faults += 1;
        let report = |machine: &Machine, double_fault: bool| {
            Box::new(TrapReport {
                fault: fault.clone(),
                double_fault,
                pc,
                words: [machine.read(pc), machine.read(pc.wrapping_add(1))],
                registers: machine.registers(),
                sp: machine.sp,
                hp: machine.hp,
                cycle: machine.cycles(),
            })
        };
        let before = report(self, false);
        self.record(|| Event::FaultRaised {
            fault: fault.clone(),
        });
        if self.delivering_fault {
            return Some(report(self, true));
        }
        self.delivering_fault = true;
        let result = self.perform(EffectId::FAULT, Value::int(fault.code()), pc);
        self.delivering_fault = false;
        match result {
            Ok(()) => None,
            Err(Fault::UnhandledEffect { .. } | Fault::BadEffectTableEntry { .. }) => Some(before),
            Err(_) => Some(Box::new(TrapReport {
                double_fault: true,
                ..*before
            })),
        }
    }
}
