"""The lists a county starts with (the administrator edits them in the admin afterwards)."""

# (code, name) of the types of publicity, in their order.
ACTIVITY_TYPES = [
    ("anti_fraud", "防范电信网络诈骗"),
    ("national_security", "国家安全宣传"),
    ("anti_gang", "扫黑除恶宣传"),
    ("ping_an", "平安建设宣传"),
    ("rule_of_law", "法治宣传"),
    ("anti_drug", "禁毒宣传"),
    ("anti_cult", "反邪教宣传"),
    ("mental_health", "心理健康宣传"),
    ("other", "其他宣传"),
]

# (code, name, kind) of the measures the rates are reported for.
MEASURES = [
    ("ping_an_awareness", "平安建设知晓率", "awareness"),
    ("sense_of_security", "群众安全感", "satisfaction"),
    ("public_order_satisfaction", "社会治安满意率", "satisfaction"),
    ("legal_team_satisfaction", "政法队伍满意度", "satisfaction"),
]
