/**
 * The contact detector's table of cases: each line is a message and the same message with
 * every contact detail wrapped in ⟦ ⟧ (the part that must be masked). Grow it whenever a new
 * disguise, or a new false alarm, is reported.
 */
export interface ContactCase {
  readonly why: string;
  readonly input: string;
  /** `input` with each expected span wrapped in ⟦ ⟧; no brackets = nothing may be masked. */
  readonly marked: string;
}

export const CONTACT_CASES: readonly ContactCase[] = [
  // Phone numbers
  { why: 'plain mobile number', input: "我的手机13800138000", marked: "我的手机⟦13800138000⟧" },
  { why: 'spaces as in print', input: "打我电话 138 0013 8000 哦", marked: "打我电话 ⟦138 0013 8000⟧ 哦" },
  { why: 'hyphens', input: "139-1234-5678", marked: "⟦139-1234-5678⟧" },
  { why: 'dots', input: "186.1234.5678", marked: "⟦186.1234.5678⟧" },
  { why: 'full-width digits and hyphens', input: "１３８－００１３－８０００", marked: "⟦１３８－００１３－８０００⟧" },
  { why: 'Chinese separators', input: "1、3、8、0、0、1、3、8、0、0、0", marked: "⟦1、3、8、0、0、1、3、8、0、0、0⟧" },
  { why: 'Chinese comma and full stop', input: "138，0013。8000", marked: "⟦138，0013。8000⟧" },
  { why: 'dashes', input: "138—0013—8000", marked: "⟦138—0013—8000⟧" },
  { why: 'emoji between digits', input: "1😀3😀8😀0😀0😀1😀3😀8😀0😀0😀0", marked: "⟦1😀3😀8😀0😀0😀1😀3😀8😀0😀0😀0⟧" },
  { why: 'keycap digits count as one character each', input: "1️⃣3️⃣8️⃣0️⃣0️⃣1️⃣3️⃣8️⃣0️⃣0️⃣0️⃣", marked: "⟦1️⃣3️⃣8️⃣0️⃣0️⃣1️⃣3️⃣8️⃣0️⃣0️⃣0️⃣⟧" },
  { why: 'circled digits', input: "①③⑧⓪⓪①③⑧⓪⓪⓪", marked: "⟦①③⑧⓪⓪①③⑧⓪⓪⓪⟧" },
  { why: 'Chinese numerals with 幺', input: "幺三八零零幺三八零零零", marked: "⟦幺三八零零幺三八零零零⟧" },
  { why: 'Chinese numerals with 〇', input: "一五九〇〇〇〇一一一一", marked: "⟦一五九〇〇〇〇一一一一⟧" },
  { why: 'financial numerals', input: "壹叁玖壹贰叁肆伍陆柒捌", marked: "⟦壹叁玖壹贰叁肆伍陆柒捌⟧" },
  { why: 'numerals mixed with digits', input: "1三8零0一3八零0零", marked: "⟦1三8零0一3八零0零⟧" },
  { why: 'numerals after the number stay', input: "13800138000一会儿打给你", marked: "⟦13800138000⟧一会儿打给你" },
  { why: '+86 prefix with space', input: "+86 138 0013 8000", marked: "⟦+86 138 0013 8000⟧" },
  { why: '+86 glued', input: "+8613800138000", marked: "⟦+8613800138000⟧" },
  { why: '0086 prefix', input: "008613800138000", marked: "⟦008613800138000⟧" },
  { why: '86 prefix with hyphen', input: "86-13800138000", marked: "⟦86-13800138000⟧" },
  { why: 'mixed separators', input: "1 3 8-0 0 1 3.8 0 0 0", marked: "⟦1 3 8-0 0 1 3.8 0 0 0⟧" },
  { why: 'number after a year keeps the year', input: "2026 13800138000", marked: "2026 ⟦13800138000⟧" },
  { why: 'zero-width spaces', input: "138\u200b0013\u200b8000", marked: "⟦138\u200b0013\u200b8000⟧" },
  // WeChat
  { why: 'WeChat id with full-width colon', input: "加我微信：abc_123", marked: "加我微信：⟦abc_123⟧" },
  { why: 'vx then id', input: "vx abc123", marked: "vx ⟦abc123⟧" },
  { why: 'full-width WX', input: "ＷＸ：ZhangSan88", marked: "ＷＸ：⟦ZhangSan88⟧" },
  { why: '威信 variant', input: "威信 lily_0520", marked: "威信 ⟦lily_0520⟧" },
  { why: '薇信 is', input: "我薇信是 sweetgirl99", marked: "我薇信是 ⟦sweetgirl99⟧" },
  { why: 'V信 glued', input: "V信mike-2026", marked: "V信⟦mike-2026⟧" },
  { why: '加V', input: "加V：helloKitty7", marked: "加V：⟦helloKitty7⟧" },
  { why: 'wechat in English', input: "my wechat: amy_2026", marked: "my wechat: ⟦amy_2026⟧" },
  { why: 'weixin', input: "weixin hz1990abc", marked: "weixin ⟦hz1990abc⟧" },
  { why: '卫星 as a code word', input: "卫星号 tom12345", marked: "卫星号 ⟦tom12345⟧" },
  { why: 'WeChat number after the keyword', input: "微信 12345678", marked: "微信 ⟦12345678⟧" },
  { why: 'WeChat phone after the keyword', input: "微信同号 13800138000", marked: "微信同号 ⟦13800138000⟧" },
  { why: 'generated WeChat id', input: "wxid_k2j3h4g5f6", marked: "⟦wxid_k2j3h4g5f6⟧" },
  { why: 'lone v with a colon', input: "v: amy2026", marked: "v: ⟦amy2026⟧" },
  { why: 'letters-only id after a clear separator', input: "微信：zhangsan", marked: "微信：⟦zhangsan⟧" },
  { why: 'keyword with a space inside', input: "薇 信 abc12345", marked: "薇 信 ⟦abc12345⟧" },
  { why: 'v and a heart', input: "V❤：love_2026", marked: "V❤：⟦love_2026⟧" },
  { why: '绿泡泡 is slang for WeChat', input: "绿泡泡 sunny_88", marked: "绿泡泡 ⟦sunny_88⟧" },
  // QQ
  { why: 'QQ number', input: "我的QQ是 12345678", marked: "我的QQ是 ⟦12345678⟧" },
  { why: '扣扣 with spaces', input: "扣扣 123 456 789", marked: "扣扣 ⟦123 456 789⟧" },
  { why: '企鹅', input: "企鹅号：987654321", marked: "企鹅号：⟦987654321⟧" },
  { why: 'lone Q with colon', input: "Q：12345678", marked: "Q：⟦12345678⟧" },
  { why: 'QQ mailbox number', input: "qq邮箱 2233445566", marked: "qq邮箱 ⟦2233445566⟧" },
  // E-mail
  { why: 'plain e-mail', input: "邮箱 abc123@qq.com", marked: "邮箱 ⟦abc123@qq.com⟧" },
  { why: 'full-width (at) and 点', input: "abc123（at）qq点com", marked: "⟦abc123（at）qq点com⟧" },
  { why: '[at] and (dot)', input: "mail me: jane.doe[at]gmail(dot)com", marked: "mail me: ⟦jane.doe[at]gmail(dot)com⟧" },
  { why: '艾特', input: "lucy艾特163.com", marked: "⟦lucy艾特163.com⟧" },
  { why: 'an address after the word "at"', input: "dm me at chris.lee@yahoo.com", marked: "dm me at ⟦chris.lee@yahoo.com⟧" },
  { why: 'spelled out at and dot', input: "write to bob at example dot com", marked: "write to ⟦bob at example dot com⟧" },
  // Everyday numbers that must stay untouched
  { why: 'prices', input: "价格¥1388，13800元", marked: "价格¥1388，13800元" },
  { why: 'ISO date', input: "2026-11-30 见", marked: "2026-11-30 见" },
  { why: 'Chinese date', input: "2026年11月30日", marked: "2026年11月30日" },
  { why: 'height and weight', input: "身高175体重60kg", marked: "身高175体重60kg" },
  { why: 'time', input: "18:30 见，5点也行", marked: "18:30 见，5点也行" },
  { why: 'time range', input: "13:30-18:30 都有空", marked: "13:30-18:30 都有空" },
  { why: 'follower count', input: "我有13800个粉丝", marked: "我有13800个粉丝" },
  { why: 'amount with thousands separators', input: "13,800,138,000", marked: "13,800,138,000" },
  { why: 'long order id', input: "订单号 202611301380013800", marked: "订单号 202611301380013800" },
  { why: '12 digits are not a mobile number', input: "138001380001", marked: "138001380001" },
  { why: '11 digits not starting 13-19', input: "12345678901", marked: "12345678901" },
  { why: 'English word after an English keyword', input: "wechat is broken today", marked: "wechat is broken today" },
  { why: 'English word after a Chinese keyword', input: "微信 already 删了那个人", marked: "微信 already 删了那个人" },
  { why: 'keyword glued to a word', input: "wxabc123", marked: "wxabc123" },
  { why: 'QQ with a short number', input: "QQ群里有300人", marked: "QQ群里有300人" },
  { why: 'QQ game score', input: "QQ飞车打了 123456 分", marked: "QQ飞车打了 123456 分" },
  { why: 'Chinese counting', input: "一一二三四五六七八九十", marked: "一一二三四五六七八九十" },
  { why: 'a year in numerals', input: "一九九五年出生", marked: "一九九五年出生" },
  { why: 'see you at home', input: "see you at home.", marked: "see you at home." },
  { why: 'version and score', input: "v2.3 比分 3:1", marked: "v2.3 比分 3:1" },
  { why: 'room numbers', input: "房间 1502 1503 1504", marked: "房间 1502 1503 1504" },
  { why: '"V我50" asks for a transfer, not a contact', input: "V我50", marked: "V我50" },
  { why: 'an 18-digit ID card number', input: "身份证 110101199003071234", marked: "身份证 110101199003071234" },
  { why: 'a 19-digit bank card number', input: "银行卡 6222021234567890123", marked: "银行卡 6222021234567890123" },
  { why: 'a list of times', input: "12:30 13:30 14:30 15:30", marked: "12:30 13:30 14:30 15:30" },
  { why: 'dotted date and time', input: "2026.11.30 19.30", marked: "2026.11.30 19.30" },
  { why: 'a list of two-digit days', input: "13 14 15 16 17 18 19 号都行", marked: "13 14 15 16 17 18 19 号都行" },
  { why: 'a number after a keyword and other words', input: "微信转账 1000 元给你", marked: "微信转账 1000 元给你" },
];
