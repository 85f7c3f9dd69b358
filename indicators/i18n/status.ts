// Status words in Vietnamese and English, with the icon that goes with each (colour-blind safe:
// a status is never shown by colour alone).
export const STATUS_LABELS: Record<string, { vi: string; en: string; icon: string; ansi: string }> =
  {
    achieved: { vi: 'Đạt', en: 'Achieved', icon: '✔', ansi: '\u001b[32m' },
    on_track: { vi: 'Đúng tiến độ', en: 'On track', icon: '▲', ansi: '\u001b[32m' },
    at_risk: { vi: 'Có nguy cơ chậm', en: 'At risk', icon: '!', ansi: '\u001b[33m' },
    off_track: { vi: 'Chậm tiến độ', en: 'Off track', icon: '▼', ansi: '\u001b[31m' },
    regressing: { vi: 'Đi xuống', en: 'Regressing', icon: '↘', ansi: '\u001b[31m' },
    missed: { vi: 'Không đạt', en: 'Missed', icon: '✖', ansi: '\u001b[31m' },
    no_data: { vi: 'Chưa có số liệu', en: 'No data', icon: '?', ansi: '\u001b[90m' },
    superseded: { vi: 'Đơn vị đã sắp xếp lại', en: 'Superseded', icon: '↷', ansi: '\u001b[90m' },
  };
