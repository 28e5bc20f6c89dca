"""Static vocabulary of the demo world: Taiyuan's units, sectors, proposers and title material.

Kept apart from the builder so the lists can be read (and corrected) by someone who
knows Taiyuan without reading any code. Names of real bodies are used as they are
commonly written; people's names are generated from the surname and given-name lists.
"""

from __future__ import annotations

# ---- the city committee (太原市政协) --------------------------------------------------------

# (code, name, kind) — kind is a HandlingUnit.Kind value. Exactly 78, as in the 2023 report.
CITY_UNITS: list[tuple[str, str, str]] = [
    # Party and government departments (市直部门).
    ("zzb", "市委组织部", "department"),
    ("xcb", "市委宣传部", "department"),
    ("tzb", "市委统战部", "department"),
    ("zfw", "市委政法委员会", "department"),
    ("wxb", "市委网信办", "department"),
    ("bb", "市委编办", "department"),
    ("fgw", "市发展和改革委员会", "department"),
    ("jyj", "市教育局", "department"),
    ("kjj", "市科学技术局", "department"),
    ("gxj", "市工业和信息化局", "department"),
    ("gaj", "市公安局", "department"),
    ("mzj", "市民政局", "department"),
    ("sfj", "市司法局", "department"),
    ("czj", "市财政局", "department"),
    ("rsj", "市人力资源和社会保障局", "department"),
    ("ghzyj", "市规划和自然资源局", "department"),
    ("sthjj", "市生态环境局", "department"),
    ("zjj", "市住房和城乡建设局", "department"),
    ("cxglj", "市城乡管理局", "department"),
    ("jtj", "市交通运输局", "department"),
    ("swuj", "市水务局", "department"),
    ("nyncj", "市农业农村局", "department"),
    ("swj", "市商务局", "department"),
    ("wlj", "市文化和旅游局", "department"),
    ("wjw", "市卫生健康委员会", "department"),
    ("tyjrj", "市退役军人事务局", "department"),
    ("yjj", "市应急管理局", "department"),
    ("sjj", "市审计局", "department"),
    ("gzw", "市国有资产监督管理委员会", "department"),
    ("scjgj", "市市场监督管理局", "department"),
    ("tyj", "市体育局", "department"),
    ("tjj", "市统计局", "department"),
    ("ybj", "市医疗保障局", "department"),
    ("xzspj", "市行政审批服务管理局", "department"),
    ("sjuj", "市数据局", "department"),
    ("lyj", "市林业局", "department"),
    ("nyj", "市能源局", "department"),
    ("wwj", "市文物局", "department"),
    ("xfj", "市信访局", "department"),
    ("rfb", "市人民防空办公室", "department"),
    ("jgswj", "市机关事务管理局", "department"),
    ("xczxj", "市乡村振兴局", "department"),
    ("jrj", "市地方金融管理局", "department"),
    ("wsb", "市外事办公室", "department"),
    ("gjj", "市住房公积金管理中心", "department"),
    ("ggzy", "市公共资源交易中心", "department"),
    ("mzzjj", "市民族宗教事务局", "department"),
    ("dag", "市档案馆", "department"),
    # The ten district / county governments.
    ("xdq", "小店区人民政府", "county_gov"),
    ("yzq", "迎泽区人民政府", "county_gov"),
    ("xhlq", "杏花岭区人民政府", "county_gov"),
    ("jcpq", "尖草坪区人民政府", "county_gov"),
    ("wblq", "万柏林区人民政府", "county_gov"),
    ("jyq", "晋源区人民政府", "county_gov"),
    ("qxx", "清徐县人民政府", "county_gov"),
    ("yqx", "阳曲县人民政府", "county_gov"),
    ("lfx", "娄烦县人民政府", "county_gov"),
    ("gjs", "古交市人民政府", "county_gov"),
    # Other bodies that answer proposals.
    ("gwgd", "国网太原供电公司", "other"),
    ("tyhg", "太原海关", "other"),
    ("tsw", "团市委", "other"),
    ("sfl", "市妇联", "other"),
    ("szgh", "市总工会", "other"),
    ("skx", "市科协", "other"),
    ("scl", "市残联", "other"),
    ("hszh", "市红十字会", "other"),
    ("swl", "市文联", "other"),
    ("sql", "市侨联", "other"),
    ("sgsl", "市工商联", "other"),
    ("jrjg", "国家金融监督管理总局太原监管分局", "other"),
    ("swju", "国家税务总局太原市税务局", "other"),
    ("qxj", "市气象局", "other"),
    ("xfzd", "市消防救援支队", "other"),
    ("tlj", "中国铁路太原局集团有限公司", "other"),
    ("gdjt", "太原市轨道交通发展有限公司", "other"),
    ("gjjt", "太原市公共交通控股（集团）有限公司", "other"),
    ("zgq", "山西转型综合改革示范区管理委员会", "other"),
    ("yzglj", "市邮政管理局", "other"),
]

# Which units usually lead on which category (codes above); others come in as co-handlers.
UNITS_BY_CATEGORY: dict[str, list[str]] = {
    "economic": [
        "fgw",
        "gxj",
        "swj",
        "kjj",
        "nyncj",
        "scjgj",
        "sjuj",
        "jrj",
        "gzw",
        "nyj",
        "czj",
        "xczxj",
        "zgq",
        "tyhg",
        "swju",
        "xdq",
        "wblq",
        "qxx",
    ],
    "political": [
        "xzspj",
        "sfj",
        "zzb",
        "rsj",
        "scjgj",
        "gaj",
        "zfw",
        "bb",
        "xfj",
        "mzzjj",
        "tzb",
    ],
    "cultural": ["wlj", "wwj", "xcb", "tyj", "jyj", "swl", "dag", "jyq", "yzq", "wxb"],
    "social": [
        "jyj",
        "wjw",
        "mzj",
        "rsj",
        "zjj",
        "jtj",
        "ybj",
        "gaj",
        "cxglj",
        "tyjrj",
        "yjj",
        "gjj",
        "scl",
        "sfl",
        "tsw",
        "szgh",
        "gdjt",
        "gjjt",
        "xhlq",
        "jcpq",
        "rfb",
    ],
    "ecological": ["sthjj", "swuj", "lyj", "ghzyj", "nyj", "cxglj", "nyncj", "lfx", "yqx", "gjs"],
}

# The same for the district units (codes of COUNTIES[…]["units"]).
COUNTY_UNITS_BY_CATEGORY: dict[str, list[str]] = {
    "economic": ["fgj"],
    "political": ["fgj", "mzj", "jdb"],
    "cultural": ["wlj", "jyj"],
    "social": ["jyj", "wjj", "mzj", "zjj", "cgj"],
    "ecological": ["cgj", "zjj"],
}

# (code, name) — 界别.
SECTORS: list[tuple[str, str]] = [
    ("01", "中共"),
    ("02", "民革"),
    ("03", "民盟"),
    ("04", "民建"),
    ("05", "民进"),
    ("06", "农工党"),
    ("07", "致公党"),
    ("08", "九三学社"),
    ("09", "无党派人士"),
    ("10", "共青团"),
    ("11", "工会"),
    ("12", "妇联"),
    ("13", "工商联"),
    ("14", "科技界"),
    ("15", "经济界"),
    ("16", "教育界"),
    ("17", "文化艺术界"),
    ("18", "医药卫生界"),
    ("19", "农业界"),
    ("20", "社会福利和社会保障界"),
    ("21", "特邀"),
]

# Party affiliation written on a member's record, by the sector of a party.
PARTY_OF_SECTOR: dict[str, str] = {
    "中共": "中共党员",
    "民革": "民革党员",
    "民盟": "民盟盟员",
    "民建": "民建会员",
    "民进": "民进会员",
    "农工党": "农工党党员",
    "致公党": "致公党党员",
    "九三学社": "九三学社社员",
    "无党派人士": "无党派人士",
}
# For members of the other sectors.
OTHER_AFFILIATIONS: list[str] = ["中共党员", "中共党员", "群众", "无党派人士"]

# (name, kind, sector name or "") — collective proposers (集体提案单位).
CITY_ORGANIZATIONS: list[tuple[str, str, str]] = [
    ("民革太原市委会", "party", "民革"),
    ("民盟太原市委会", "party", "民盟"),
    ("民建太原市委会", "party", "民建"),
    ("民进太原市委会", "party", "民进"),
    ("农工党太原市委会", "party", "农工党"),
    ("致公党太原市委会", "party", "致公党"),
    ("九三学社太原市委会", "party", "九三学社"),
    ("台盟太原市委会", "party", ""),
    ("市工商联", "peoples_org", "工商联"),
    ("市总工会", "peoples_org", "工会"),
    ("团市委", "peoples_org", "共青团"),
    ("市妇联", "peoples_org", "妇联"),
    ("市科协", "peoples_org", "科技界"),
    ("市政协提案委员会", "special_committee", ""),
    ("市政协经济委员会", "special_committee", ""),
    ("市政协农业和农村委员会", "special_committee", ""),
    ("市政协人口资源环境委员会", "special_committee", ""),
    ("市政协教科卫体委员会", "special_committee", ""),
    ("市政协社会和法制委员会", "special_committee", ""),
    ("市政协文化文史和学习委员会", "special_committee", ""),
    ("市政协民族宗教和港澳台侨委员会", "special_committee", ""),
    ("经济界别组", "sector_group", "经济界"),
    ("教育界别组", "sector_group", "教育界"),
    ("医药卫生界别组", "sector_group", "医药卫生界"),
    ("农业界别组", "sector_group", "农业界"),
]
# How often each kind of organization files a collective proposal (relative weights).
ORGANIZATION_WEIGHTS: dict[str, int] = {
    "party": 10,
    "peoples_org": 5,
    "special_committee": 3,
    "sector_group": 2,
}

# ---- the two county committees ------------------------------------------------------------

# code → name, short name, the term (届) its 2022 plenary opened, username prefix, units,
# sectors and collective proposers. Terms are demo values, not checked against the districts.
COUNTIES: dict[str, dict] = {
    "xiaodian": {
        "name": "小店区政协",
        "short_name": "小店区",
        "term": 10,
        "prefix": "xd",
        "units": [
            ("fgj", "小店区发展和改革局", "department"),
            ("jyj", "小店区教育局", "department"),
            ("zjj", "小店区住房和城乡建设局", "department"),
            ("wjj", "小店区卫生健康局", "department"),
            ("mzj", "小店区民政局", "department"),
            ("cgj", "小店区城市管理局", "department"),
            ("jdb", "小店街道办事处", "other"),
        ],
        "sectors": [
            "中共",
            "民主党派",
            "无党派人士",
            "经济界",
            "教育界",
            "医药卫生界",
            "农业界",
            "社会界",
        ],
        "organizations": [
            ("小店区工商联", "peoples_org", "经济界"),
            ("小店区妇联", "peoples_org", ""),
            ("小店区政协提案委员会", "special_committee", ""),
        ],
    },
    "yingze": {
        "name": "迎泽区政协",
        "short_name": "迎泽区",
        "term": 12,
        "prefix": "yz",
        "units": [
            ("fgj", "迎泽区发展和改革局", "department"),
            ("jyj", "迎泽区教育局", "department"),
            ("wlj", "迎泽区文化和旅游局", "department"),
            ("wjj", "迎泽区卫生健康局", "department"),
            ("mzj", "迎泽区民政局", "department"),
            ("cgj", "迎泽区城市管理局", "department"),
        ],
        "sectors": [
            "中共",
            "民主党派",
            "无党派人士",
            "经济界",
            "教育界",
            "文化界",
            "医药卫生界",
            "社会界",
        ],
        "organizations": [
            ("迎泽区工商联", "peoples_org", "经济界"),
            ("迎泽区总工会", "peoples_org", ""),
            ("迎泽区政协提案委员会", "special_committee", ""),
        ],
    },
}

# ---- people -------------------------------------------------------------------------------

# Surnames, common in Shanxi first; repeated entries make them more frequent.
SURNAMES: list[str] = list(
    "王王王张张张李李李刘刘赵赵郭郭杨杨武贾阎郝任乔薛梁韩田侯高牛范卫温申冀雷霍常秦裴耿段"
    "陈周吴徐孙胡朱林何马罗宋郑谢唐冯于董程曹袁邓许苏吕卢魏叶杜戴夏钟汪姚廖金陆孔白崔康毛"
    "史顾孟龙万钱汤尹易翟樊苗燕岳柴尚暴"
)
GIVEN_FIRST: list[str] = list(
    "建志国晓海文永立宏俊明红丽春云佳子雅思嘉家振卫亚敏新学世天雪秀慧晋宇泽浩鹏"
)
GIVEN_SECOND: list[str] = list(
    "华平军强伟红英玲峰芳涛斌杰勇刚波辉娟静霞敏燕鹏飞琳莉鑫磊超颖洁宁彬楠璐婷昊轩然琦"
)

# ---- proposal content ---------------------------------------------------------------------

# category → topic (子类) → title stems ("关于{stem}的提案").
TITLE_STEMS: dict[str, dict[str, list[str]]] = {
    "economic": {
        "产业转型升级": [
            "推动制造业振兴升级",
            "培育壮大先进制造业集群",
            "加快培育专精特新企业",
            "推进传统产业智能化改造",
            "支持新材料产业链延链补链",
            "推进开发区高质量发展",
            "发展壮大氢能产业",
        ],
        "数字经济": [
            "做大做强数字经济",
            "推动数字经济与实体经济深度融合",
            "加快中小企业数字化转型",
            "建设数据要素交易市场",
            "加快5G和算力基础设施建设",
            "发展工业互联网平台",
        ],
        "现代服务业": [
            "促进现代服务业高质量发展",
            "建设国家综合货运枢纽",
            "发展楼宇经济和总部经济",
            "打造区域性会展中心",
            "发展跨境电子商务",
            "建设国家供应链与金融基础设施中枢",
        ],
        "民营经济": [
            "支持民营企业上市融资",
            "破解中小微企业融资难题",
            "促进民营经济高质量发展",
            "构建亲清政商关系",
            "加大政府采购支持中小企业力度",
        ],
        "乡村振兴": [
            "推进农业龙头企业发展壮大",
            "发展“特”“优”农业",
            "建设宜居宜业和美乡村",
            "发展农村集体经济",
            "推动农产品精深加工",
            "发展“飞地经济”",
        ],
    },
    "political": {
        "营商环境": [
            "持续优化营商环境",
            "提升政务服务效能",
            "推行“一件事一次办”",
            "加强法治化营商环境建设",
            "规范涉企行政检查",
        ],
        "人才工作": [
            "开展专项引才",
            "完善人才服务保障机制",
            "吸引高校毕业生留并就业",
            "加强高技能人才队伍建设",
        ],
        "法治建设": [
            "加快建设高标准公共法律服务体系",
            "深化行政执法体制改革",
            "推进法治太原建设",
            "加强未成年人法治教育",
        ],
        "基层治理": [
            "提升基层治理能力",
            "推进网格化服务管理",
            "发挥“有事来商量”协商平台作用",
            "减轻基层负担",
        ],
    },
    "cultural": {
        "文化遗产保护": [
            "建设晋阳古城考古博物馆和国家考古遗址公园",
            "加强不可移动革命文物保护",
            "推进府城历史风貌保护",
            "加强非物质文化遗产传承",
            "活化利用历史文化街区",
        ],
        "文旅融合": [
            "加快创建晋祠天龙山国家5A级景区",
            "完善晋阳文化旅游交通设施",
            "深化文旅融合发展",
            "打造夜间文旅消费集聚区",
            "擦亮“锦绣太原”城市品牌",
        ],
        "公共文化服务": [
            "建设公园绿色书坊",
            "推动传统戏曲传承发展",
            "完善城乡公共文化服务体系",
            "推进全民阅读",
            "提升基层综合文化服务中心效能",
        ],
    },
    "social": {
        "教育": [
            "加大优质教育资源供给",
            "推进城乡义务教育一体化发展",
            "促进体育教育融合发展",
            "深化校企合作",
            "加强青少年近视防控",
            "加强中小学生心理健康教育",
            "推进学前教育普惠发展",
            "规范课后服务",
        ],
        "医疗卫生": [
            "持续深化“三医联动”改革",
            "高标准建设国家区域医疗中心",
            "支持中医药康养产业发展",
            "完善公共卫生应急体系",
            "推进紧密型医疗联合体建设",
            "加强基层医疗卫生服务能力",
        ],
        "养老托育": [
            "提升社区居家养老服务能力",
            "推进智慧化养老服务试点建设",
            "加强医养深度融合",
            "建立基本养老服务清单",
            "补齐养老设施短板",
            "发展普惠托育服务",
        ],
        "就业和社会保障": [
            "促进重点群体就业",
            "完善灵活就业人员社会保障",
            "加强困难群众兜底保障",
            "扩大长期护理保险试点",
        ],
        "城市建设管理": [
            "推进老旧小区提质改造",
            "完善社区服务设施",
            "加快完整居住社区建设",
            "加强物业服务管理",
            "推进城市更新行动",
            "治理城市停车难",
        ],
        "交通和公共安全": [
            "加快智能交通系统建设",
            "优化公交线网布局",
            "加强食品安全监管",
            "推进轨道交通与公交接驳",
            "加强电动自行车安全管理",
        ],
    },
    "ecological": {
        "水环境治理": [
            "促进汾河生态保护和治理",
            "加强入河排污口智慧化管控",
            "深化水环境治理",
            "推进晋祠泉复流保护",
        ],
        "大气和噪声治理": [
            "深入推进大气污染防治",
            "加强噪声污染防治",
            "推进“四治”一体治理",
        ],
        "绿色低碳": [
            "加大地热能开发利用",
            "构建低碳能源安全保供体系",
            "推进新能源车电池回收利用",
            "推动“无废城市”建设",
        ],
        "生态修复": [
            "推进东西山生态修复",
            "加强湿地生态系统建设",
            "推进国土绿化和森林质量提升",
        ],
    },
}

TITLE_PREFIXES: list[str] = ["", "", "", "进一步", "我市"]
TITLE_SUFFIXES: list[str] = ["提案", "提案", "建议"]

# Used to write a plausible 情况分析 and 具体建议 without repeating one text everywhere.
PROBLEMS: dict[str, list[str]] = {
    "economic": [
        "产业结构偏重、新兴产业支撑不足",
        "企业创新投入偏低、成果转化率不高",
        "要素保障不够有力、融资渠道单一",
        "龙头企业带动作用不强、产业链条较短",
        "政策兑现不够及时、企业获得感不强",
    ],
    "political": [
        "部门之间数据共享不充分",
        "办事流程仍较繁琐、标准不统一",
        "人才引进后服务保障跟不上",
        "基层执法力量不足、执法尺度不一",
        "政策宣传解读不够到位",
    ],
    "cultural": [
        "文化资源挖掘不够深入",
        "文物保护利用资金投入不足",
        "文旅产品同质化、游客停留时间短",
        "基层公共文化设施使用率不高",
        "专业人才缺乏、传承后继乏人",
    ],
    "social": [
        "优质资源分布不均衡",
        "服务供给与群众需求不匹配",
        "设施配建标准落实不到位",
        "专业服务人员短缺、待遇偏低",
        "部门协同不够、长效机制不健全",
    ],
    "ecological": [
        "污染治理存在短板、监测手段落后",
        "生态修复投入大、后期管护不足",
        "绿色低碳技术推广应用不够",
        "跨区域协同治理机制不健全",
        "公众参与程度不高",
    ],
}
MEASURES: dict[str, list[str]] = {
    "economic": [
        "制定专项扶持政策，设立产业发展引导基金",
        "建立重点企业包联服务机制，及时解决企业诉求",
        "搭建产学研合作平台，促进科技成果就地转化",
        "完善要素保障，优化土地、能耗等资源配置",
        "强化招商引资，围绕产业链精准招商",
    ],
    "political": [
        "推进数据共享和业务协同，减少重复提交材料",
        "统一办事标准，编制标准化办事指南",
        "完善人才安居、子女入学、医疗等配套服务",
        "加强执法队伍建设，规范自由裁量权",
        "加大政策宣传解读力度，提高政策知晓率",
    ],
    "cultural": [
        "开展文化资源普查，建立资源数据库",
        "加大文物保护资金投入，探索社会力量参与",
        "开发特色文旅产品，延长旅游产业链",
        "推动公共文化设施错时延时开放",
        "加强文化人才培养，完善传承人扶持机制",
    ],
    "social": [
        "优化资源布局，推动优质资源向薄弱区域延伸",
        "以需求为导向完善服务清单",
        "严格落实配建标准，实行同步规划同步建设",
        "加强专业人才队伍建设，提高待遇保障",
        "建立部门联动机制，形成工作合力",
    ],
    "ecological": [
        "建设智慧化监测平台，实现实时监管",
        "建立生态修复长效管护机制",
        "推广绿色低碳技术，给予财政补贴支持",
        "健全跨区域联防联控机制",
        "加强宣传引导，鼓励公众参与",
    ],
}

REPLY_CONCLUSIONS: dict[str, str] = {
    "A": "提案所提建议已被采纳，相关措施已在我单位年度工作中落实。",
    "B": "提案所提建议已列入我单位工作计划，正在积极推进落实。",
    "C": "受当前财力和政策条件限制，提案所提建议暂时难以实施，将作为今后工作的重要参考。",
}
OPINION_TEXTS: list[str] = [
    "同意主办单位意见，我单位将积极配合做好相关工作。",
    "我单位就职责范围内事项提出如下意见，请主办单位统筹答复。",
    "已与主办单位沟通，相关工作纳入联合推进计划。",
]
COMMUNICATION_TEXTS: list[str] = [
    "与提案人电话沟通，了解提案背景和具体诉求。",
    "邀请提案人座谈，介绍相关工作进展，听取意见建议。",
    "陪同提案人实地调研，共同研究解决办法。",
]
SUPERVISION_TEXTS: list[str] = [
    "召开督办协商会，听取承办单位办理情况汇报，要求细化措施、按期办结。",
    "带队实地视察，与提案人、承办单位共同研究推进落实。",
    "听取办理进展汇报，协调解决办理中遇到的困难。",
]
