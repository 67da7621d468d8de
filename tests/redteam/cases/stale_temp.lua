-- attack: a run killed with kill -9 during its emit left its temporary file (400 MB once)
-- issue: 7
-- file: out/.doc.json.tegn-tmp.@DEADPID@.AbCdEf = half a document
-- file: out/.doc.json.tegn-tmp.@LIVEPID@.XyZabc = a run still writing
-- removes: out/.doc.json.tegn-tmp.@DEADPID@.AbCdEf
-- writes: out/doc.json
-- exit: 0
tegn.emit{ ok = true }
