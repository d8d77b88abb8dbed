#!/usr/bin/env python3
"""gen_projects.py - write a deterministic projects.csv for the import benchmark.

Every row is valid against a database made by `pairaid demo`: the pairings are
the demo's (data/demo/pairings.csv) and each row's region lies within its
pairing's recipient region (the county itself for a county-level pairing; the
city 320700 or one of its counties for the city-level pairing WX-LYG).  Codes
are unique (BENCH-000001 ...) and do not clash with the demo's own projects.

Only the Python 3 standard library; the same N and seed give the same bytes.

usage: gen_projects.py [-n ROWS] [--seed S] [-o FILE]
"""
import argparse
import random
import sys

# pairing -> (recipient region, its county name) from data/demo/pairings.csv.
COUNTY_PAIRINGS = {
    "WX-LYG-HS-GY": ("320707", "赣榆区"),
    "WX-LYG-JY-GYN": ("320723", "灌云县"),
    "WX-LYG-BH-LY": ("320703", "连云区"),
    "WX-LYG-YX-DH": ("320722", "东海县"),
    "WX-LYG-LX-HZ": ("320706", "海州区"),
    "WX-LYG-XS-GN": ("320724", "灌南县"),
}
CITY_PAIRING = ("WX-LYG", "320700", "连云港市")

# Real towns and sub-districts of each county (names only: used to make names).
TOWNS = {
    "320707": ["青口镇", "柘汪镇", "石桥镇", "金山镇", "黑林镇", "厉庄镇", "海头镇", "塔山镇", "赣马镇", "班庄镇"],
    "320723": ["伊山镇", "杨集镇", "燕尾港镇", "同兴镇", "四队镇", "圩丰镇", "龙苴镇", "下车镇", "图河镇", "南岗乡"],
    "320703": ["墟沟街道", "连岛街道", "板桥街道", "连云街道", "宿城街道", "高公岛街道", "朝阳街道", "前三岛乡"],
    "320722": ["牛山街道", "石榴街道", "白塔埠镇", "黄川镇", "石梁河镇", "青湖镇", "温泉镇", "双店镇", "桃林镇", "洪庄镇", "安峰镇", "房山镇", "平明镇"],
    "320706": ["新坝镇", "锦屏镇", "板浦镇", "浦南镇", "朐阳街道", "洪门街道", "新浦街道", "路南街道", "云台街道"],
    "320724": ["新安镇", "堆沟港镇", "田楼镇", "北陈集镇", "张店镇", "三口镇", "孟兴庄镇", "汤沟镇", "百禄镇", "新集镇", "李集镇"],
    "320700": ["连云港经济技术开发区", "徐圩新区", "连云港高新区", "海滨新区"],
}
VILLAGES = ["东村", "西村", "南庄", "北庄", "前进村", "新河村", "沙河村", "红旗村", "团结村", "幸福村",
            "大庄村", "小河村", "桃园村", "柳林村", "盐河村", "朱沟村", "前湖村", "后湖村", "双河村", "李庄村"]

# domain -> (allowed kinds, name templates).  {p} place, {v} village, {x} a topic word.
DOMAINS = {
    "industry": (["park", "chain", "livelihood"], [
        "{p}{x}产业园", "锡连{x}产业链合作项目", "{p}{x}标准化厂房", "{p}{v}{x}帮扶车间",
        "{p}{x}生产线技改项目"],
        ["智能装备", "新材料", "高端纺织", "食品加工", "新能源", "生物医药", "电子信息", "海洋装备",
         "光伏组件", "精细化工", "农产品冷链", "紫菜深加工", "水晶制品", "家居制造"]),
    "technology": (["chain", "talent", "other"], [
        "{p}{x}研发中心", "{x}科技成果转化平台", "{p}{x}产学研合作基地", "{x}技术攻关联合实验室"],
        ["智能制造", "数字农业", "海洋生物", "新型储能", "工业互联网", "智慧物流", "检验检测"]),
    "education": (["livelihood", "talent", "other"], [
        "{p}中心小学{x}", "{p}初级中学{x}", "{p}{v}幼儿园{x}", "锡连结对学校{x}", "{p}职业学校{x}"],
        ["智慧课堂建设", "教学楼改造", "食堂提升工程", "图书室建设", "名师工作室", "操场改造",
         "实训基地建设"]),
    "health": (["livelihood", "talent", "other"], [
        "{p}卫生院{x}", "{p}{v}卫生室{x}", "{p}人民医院{x}", "锡连医联体{x}"],
        ["远程会诊中心", "标准化建设", "设备配置", "专科共建", "急救站建设", "中医馆建设"]),
    "employment": (["livelihood", "talent", "other"], [
        "{p}{v}就业帮扶车间", "{p}{x}技能培训", "锡连劳务协作{x}", "{p}{x}就业服务站"],
        ["电商直播", "家政服务", "电工焊工", "育婴护理", "农村实用技术", "返乡创业"]),
    "culture_tourism": (["livelihood", "park", "other"], [
        "{p}{x}文旅康养综合体", "{p}{v}{x}乡村旅游", "{p}{x}民宿集群", "{x}文化展示馆"],
        ["滨海", "山海", "温泉", "花果山", "渔港", "田园", "红色"]),
    "transport": (["livelihood", "other"], [
        "{p}{v}道路提升工程", "{p}{x}桥梁改造", "{p}{x}公交场站建设", "{p}{v}农村公路{x}"],
        ["危桥", "跨河", "城乡", "产业园区", "港区", "提档升级"]),
    "other": (["livelihood", "other"], [
        "{p}{v}村集体经济{x}", "{p}{v}{x}", "{p}{x}"],
        ["光伏发电项目", "农贸市场改造", "人居环境整治", "饮水安全工程", "养老服务中心",
         "党群服务中心", "高标准农田建设"]),
}
DOMAIN_WEIGHTS = [("industry", 22), ("technology", 8), ("education", 16), ("health", 14),
                  ("employment", 12), ("culture_tourism", 10), ("transport", 10), ("other", 8)]
STATUS_WEIGHTS = [("proposed", 10), ("approved", 15), ("in_progress", 40), ("completed", 20),
                  ("accepted", 15)]
BUDGET_RANGE = {"park": (20_000_000, 600_000_000), "chain": (2_000_000, 120_000_000),
                "livelihood": (50_000, 5_000_000), "talent": (100_000, 3_000_000),
                "other": (100_000, 20_000_000)}
PHASES = ["", "", "", "一期", "二期", "三期", "（续建）"]

HEADER = ("code,name,pairing,region,domain,kind,status,budget,start_date,end_date,"
          "beneficiaries,public,source")


def weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    x = rng.randrange(total)
    for value, w in pairs:
        if x < w:
            return value
        x -= w
    raise AssertionError


def day_to_date(n):
    """n days after 2022-01-01, as YYYY-MM-DD (proleptic Gregorian)."""
    import datetime
    return (datetime.date(2022, 1, 1) + datetime.timedelta(days=n)).isoformat()


def row(rng, i):
    if rng.randrange(8) == 0:
        pairing, recipient, county = CITY_PAIRING
        # A city-level project sits in the city or any of its counties.
        region = rng.choice(["320700"] + [r for r, _ in COUNTY_PAIRINGS.values()])
    else:
        pairing = rng.choice(sorted(COUNTY_PAIRINGS))
        region, county = COUNTY_PAIRINGS[pairing]
    domain = weighted(rng, DOMAIN_WEIGHTS)
    kinds, templates, topics = DOMAINS[domain]
    kind = rng.choice(kinds)
    place = rng.choice(TOWNS[region])
    if rng.randrange(3) == 0 and region != "320700":
        place = county + place
    name = rng.choice(templates).format(p=place, v=rng.choice(VILLAGES), x=rng.choice(topics))
    name += rng.choice(PHASES)
    status = weighted(rng, STATUS_WEIGHTS)
    lo, hi = BUDGET_RANGE[kind]
    budget_fen = rng.randrange(lo * 100, hi * 100)
    if rng.randrange(2):
        budget_fen -= budget_fen % 1000  # many budgets are round to ten yuan
    budget = "%d.%02d" % divmod(budget_fen, 100)
    start = rng.randrange(0, 1460)  # 2022-01-01 .. 2025-12-30
    end = ""
    if status in ("completed", "accepted") or rng.randrange(3) == 0:
        end = day_to_date(start + rng.randrange(30, 900))
    beneficiaries = "" if rng.randrange(10) < 3 else str(rng.randrange(10, 20000))
    public = weighted(rng, [("true", 80), ("false", 15), ("", 5)])
    return ",".join([
        "BENCH-%06d" % i, name, pairing, region, domain, kind, status, budget,
        day_to_date(start), end, beneficiaries, public, "synthetic"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=100000, help="rows (default 100000)")
    ap.add_argument("--seed", type=int, default=20250101)
    ap.add_argument("-o", default="-", help="output file (default stdout)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = sys.stdout if args.o == "-" else open(args.o, "w", encoding="utf-8", newline="\n")
    with out:
        out.write(HEADER + "\n")
        for i in range(1, args.n + 1):
            out.write(row(rng, i) + "\n")


if __name__ == "__main__":
    main()
