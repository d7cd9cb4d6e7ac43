-- A 党委's and a 党总支's own meetings (domain.md, "Levels above the branch"): 党委会, 总支委员会,
-- 理论学习中心组学习 and 党员代表大会 (shared/domain/labels.ts, KINDS_HELD_BY).
alter table meetings drop constraint if exists meetings_kind_check;
alter table meetings add constraint meetings_kind_check check (kind in ('general_assembly', 'committee_meeting',
  'group_meeting', 'party_lecture', 'theme_day', 'life_meeting', 'member_review',
  'party_committee', 'general_committee', 'central_study', 'party_congress'));
