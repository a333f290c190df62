/*
 * SPDX-License-Identifier: GPL-2.0
 *
 * The ACPI VMBus device of an hv_soft guest: an SSDT that QEMU passes with
 * -acpitable (scripts/guest-test hvsoft). Upstream hv_vmbus binds to the
 * _HID "VMBUS" and fails without a _CRS; an empty one is enough, since
 * the storage and network drivers need no MMIO window. Compiled with iasl
 * (acpica-tools) by scripts/guest-test.
 */
DefinitionBlock ("", "SSDT", 2, "HVGST", "VMBUS", 1)
{
    Scope (\_SB)
    {
        Device (VMBS)
        {
            Method (_HID, 0, NotSerialized)
            {
                Return ("VMBUS")
            }
            Name (_UID, Zero)
            Name (_CRS, ResourceTemplate ()
            {
            })
        }
    }
}
