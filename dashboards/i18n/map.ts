// Words of the map pages: Vietnamese first, the same keys in English.
export const vi = {
  map_heading: 'Bản đồ các tỉnh, thành phố',
  map_title: 'Bản đồ ô vuông các tỉnh, thành phố',
  map_of: 'Bản đồ: {indicator}, {period}',
  map_intro:
    'Mỗi ô là một tỉnh, thành phố ({n} đơn vị theo địa giới ngày {date}), đặt gần đúng vị trí địa lý, phía bắc ở trên.',
  map_no_figure: 'Không có số liệu kỳ này',
  map_legend: 'Chú giải',
  map_indicator: 'Chỉ tiêu trên bản đồ',
  map_colour_status: 'Màu theo tình trạng của chỉ tiêu ràng buộc gần nhất.',
  map_colour_value: 'Không tỉnh nào có chỉ tiêu ràng buộc: màu theo giá trị (5 khoảng).',
  map_province: 'Tỉnh, thành phố',
  map_value: 'Giá trị',
  map_colour: 'Màu trên bản đồ',
} as const satisfies Record<string, string>;

export const en: Record<keyof typeof vi, string> = {
  map_heading: 'Map of the provinces',
  map_title: 'Tile map of the provinces',
  map_of: 'Map: {indicator}, {period}',
  map_intro:
    'Each square is a province ({n} units as the map stood on {date}), placed roughly where it lies, north at the top.',
  map_no_figure: 'No figure this period',
  map_legend: 'Legend',
  map_indicator: 'Indicator on the map',
  map_colour_status: "Coloured by the status of each province's nearest binding target.",
  map_colour_value: 'No province has a binding target: coloured by value (5 classes).',
  map_province: 'Province',
  map_value: 'Value',
  map_colour: 'Colour on the map',
};
