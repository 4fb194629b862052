/* SPDX-License-Identifier: MIT */
/* VICI wire constants and the limits this client enforces. */
#ifndef VICI_WIRE_H
#define VICI_WIRE_H

/* Largest frame body charon sends or accepts; also our receive cap. */
#define VICI_MAX_FRAME 524288u
#define VICI_MAX_NAME 255u
#define VICI_MAX_VALUE 65535u
/* Room for our largest request: two names of VICI_MAX_VALUE bytes (the
 * --list-sas filters) and small keys. */
#define VICI_MAX_REQUEST (2 * VICI_MAX_VALUE + 512)
/* Sections nested deeper than this are rejected; charon's replies use 4. */
#define VICI_MAX_DEPTH 32

enum vici_packet {
	VICI_CMD_REQUEST = 0,
	VICI_CMD_RESPONSE = 1,
	VICI_CMD_UNKNOWN = 2,
	VICI_EVENT_REGISTER = 3,
	VICI_EVENT_UNREGISTER = 4,
	VICI_EVENT_CONFIRM = 5,
	VICI_EVENT_UNKNOWN = 6,
	VICI_EVENT = 7,
};

enum vici_element {
	VICI_SECTION_START = 1,
	VICI_SECTION_END = 2,
	VICI_KEY_VALUE = 3,
	VICI_LIST_START = 4,
	VICI_LIST_ITEM = 5,
	VICI_LIST_END = 6,
};

#endif
