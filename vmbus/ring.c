// SPDX-License-Identifier: GPL-2.0
/* Placeholder: the ring buffer lands with issue 3. */
